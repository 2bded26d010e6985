/** Vocabulary the fleet is built from: business domains, their data sources and sinks, stage names, columns. */
export type SourceKind = 's3' | 'postgres' | 'http' | 'kafka';
export type SinkKind = 'postgres' | 's3' | 'bigquery' | 'kafka';

export interface Column {
  name: string;
  type: string;
}

export interface Domain {
  name: string;
  entity: string;
  key: string;
  source: SourceKind;
  sink: SinkKind;
  team: string;
}

/** Pipeline names follow real fleets: `<domain>-<verb>`; beyond this list names get a numeric suffix. */
export const DOMAINS: readonly Domain[] = [
  { name: 'orders-etl', entity: 'orders', key: 'order_id', source: 's3', sink: 'postgres', team: 'commerce' },
  {
    name: 'payments-sync',
    entity: 'payments',
    key: 'payment_id',
    source: 'http',
    sink: 'postgres',
    team: 'finance',
  },
  {
    name: 'inventory-ingest',
    entity: 'inventory',
    key: 'sku',
    source: 'postgres',
    sink: 'bigquery',
    team: 'supply',
  },
  {
    name: 'clickstream-aggregation',
    entity: 'clicks',
    key: 'event_id',
    source: 'kafka',
    sink: 's3',
    team: 'growth',
  },
  {
    name: 'customer-360',
    entity: 'customers',
    key: 'customer_id',
    source: 'postgres',
    sink: 'bigquery',
    team: 'crm',
  },
  {
    name: 'fraud-scoring',
    entity: 'transactions',
    key: 'transaction_id',
    source: 'kafka',
    sink: 'kafka',
    team: 'risk',
  },
  {
    name: 'invoice-export',
    entity: 'invoices',
    key: 'invoice_id',
    source: 'postgres',
    sink: 's3',
    team: 'finance',
  },
  {
    name: 'marketing-attribution',
    entity: 'campaigns',
    key: 'campaign_id',
    source: 'http',
    sink: 'bigquery',
    team: 'growth',
  },
  {
    name: 'shipment-tracking',
    entity: 'shipments',
    key: 'shipment_id',
    source: 'http',
    sink: 'postgres',
    team: 'logistics',
  },
  {
    name: 'user-events-etl',
    entity: 'user_events',
    key: 'event_id',
    source: 'kafka',
    sink: 'bigquery',
    team: 'product',
  },
  {
    name: 'billing-reconcile',
    entity: 'billing',
    key: 'charge_id',
    source: 'postgres',
    sink: 'postgres',
    team: 'finance',
  },
  {
    name: 'product-catalog-sync',
    entity: 'products',
    key: 'product_id',
    source: 'http',
    sink: 'postgres',
    team: 'commerce',
  },
  {
    name: 'ledger-rollup',
    entity: 'ledger',
    key: 'entry_id',
    source: 'postgres',
    sink: 'bigquery',
    team: 'finance',
  },
  {
    name: 'churn-features',
    entity: 'subscriptions',
    key: 'subscription_id',
    source: 's3',
    sink: 's3',
    team: 'data-science',
  },
  {
    name: 'recommendations-refresh',
    entity: 'interactions',
    key: 'interaction_id',
    source: 's3',
    sink: 'postgres',
    team: 'data-science',
  },
  {
    name: 'support-tickets-etl',
    entity: 'tickets',
    key: 'ticket_id',
    source: 'http',
    sink: 'bigquery',
    team: 'support',
  },
  {
    name: 'ad-spend-import',
    entity: 'ad_spend',
    key: 'line_item_id',
    source: 'http',
    sink: 'bigquery',
    team: 'growth',
  },
  { name: 'warehouse-snapshot', entity: 'stock', key: 'sku', source: 'postgres', sink: 's3', team: 'supply' },
  {
    name: 'sensor-telemetry',
    entity: 'readings',
    key: 'reading_id',
    source: 'kafka',
    sink: 's3',
    team: 'iot',
  },
  {
    name: 'returns-processing',
    entity: 'returns',
    key: 'return_id',
    source: 's3',
    sink: 'postgres',
    team: 'commerce',
  },
  {
    name: 'reviews-sentiment',
    entity: 'reviews',
    key: 'review_id',
    source: 's3',
    sink: 'bigquery',
    team: 'product',
  },
  {
    name: 'pricing-updates',
    entity: 'prices',
    key: 'price_id',
    source: 'http',
    sink: 'kafka',
    team: 'commerce',
  },
  {
    name: 'partner-feeds',
    entity: 'feeds',
    key: 'feed_item_id',
    source: 's3',
    sink: 'postgres',
    team: 'partnerships',
  },
  {
    name: 'loyalty-points',
    entity: 'points',
    key: 'ledger_id',
    source: 'postgres',
    sink: 'postgres',
    team: 'crm',
  },
];

/** Extra columns a pipeline's schema draws from, after its key column. */
export const COLUMN_POOL: readonly Column[] = [
  { name: 'customer_id', type: 'bigint' },
  { name: 'amount', type: 'numeric(12,2)' },
  { name: 'currency', type: 'char(3)' },
  { name: 'status', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'region', type: 'text' },
  { name: 'quantity', type: 'integer' },
  { name: 'unit_price', type: 'numeric(10,4)' },
  { name: 'channel', type: 'text' },
  { name: 'score', type: 'double precision' },
  { name: 'is_deleted', type: 'boolean' },
];

/** Stage names by type; `{e}` is the entity. External stages talk to another system. */
export const STAGE_NAMES = {
  input: {
    s3: ['read_{e}_s3', 'extract_{e}_files'],
    postgres: ['extract_{e}', 'ingest_{e}_cdc'],
    http: ['fetch_{e}_api', 'pull_{e}_partner_api'],
    kafka: ['consume_{e}_topic', 'read_{e}_stream'],
  },
  transform: [
    { name: 'clean_{e}', external: false },
    { name: 'dedupe_{e}', external: false },
    { name: 'join_customers', external: true },
    { name: 'enrich_geo', external: true },
    { name: 'aggregate_daily', external: false },
    { name: 'normalize_currency', external: true },
    { name: 'compute_features', external: false },
    { name: 'sessionize_{e}', external: false },
  ],
  validation: ['validate_schema', 'check_row_counts', 'check_nulls', 'validate_{e}_rules'],
  output: {
    postgres: ['upsert_{e}_postgres', 'load_{e}_table'],
    s3: ['write_{e}_parquet', 'export_{e}_s3'],
    bigquery: ['load_warehouse', 'load_{e}_bigquery'],
    kafka: ['publish_{e}_kafka', 'emit_{e}_events'],
  },
  /** Optional side outputs: never critical. */
  sideOutput: ['refresh_dashboard_cache', 'notify_downstream'],
} as const;

/** Run intervals (minutes) and their weights: most pipelines run every few minutes. */
export const INTERVALS_MIN: readonly (readonly [number, number])[] = [
  [2, 3],
  [3, 2],
  [5, 4],
  [10, 3],
  [15, 2],
  [30, 1],
];

/** People and bots who change pipeline definitions. */
export const AUTHORS = ['deploy-bot', 'ci-pipeline', 'maria.garcia', 'j.chen', 'a.okafor', 'svc-terraform'];
