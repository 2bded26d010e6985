export * from './options.js';
export * from './compile.js';
export * from './table.js';
export * from './readme.js';
