import { consumerSuite } from '../helpers/source-suite.js';

await consumerSuite('poll');
