import { describe, expect, it } from 'vitest';
import { SIGNATURES, type Signature } from './signature-rules.js';
import { classifyError, matchSignatures } from './signatures.js';

// Messages as the common stacks print them: Python, JVM, Go, Node, Postgres/MySQL, HTTP clients,
// cloud SDKs and Kubernetes events.
const CASES: Record<Exclude<Signature, 'unknown'>, string[]> = {
  timeout: [
    'java.net.SocketTimeoutException: Read timed out',
    "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.vendor.io', port=443): Read timed out. (read timeout=30)",
    'ERROR:  canceling statement due to statement timeout',
    'Liveness probe failed: Get "http://10.1.4.7:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    'upstream responded with HTTP 504 after 60s',
    'org.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.',
    'asyncio.exceptions.TimeoutError',
    'socket timeout',
  ],
  auth_failure: [
    'FATAL:  password authentication failed for user "etl_loader"',
    "java.sql.SQLException: Access denied for user 'etl'@'10.0.3.12' (using password: YES)",
    '401 Client Error: Unauthorized for url: https://api.vendor.io/v2/orders',
    'botocore.exceptions.ClientError: An error occurred (ExpiredToken) when calling the GetObject operation: The provided token has expired.',
    'snowflake.connector.errors.DatabaseError: 250001: Failed to connect to DB: Incorrect username or password was specified. authentication failed',
    'Failed to pull image "registry.corp.io/etl:2.3": pull access denied for registry.corp.io/etl, repository does not exist or may require docker login',
    'Error: invalid api key provided',
  ],
  permission_denied: [
    "PermissionError: [Errno 13] Permission denied: '/data/exports/daily.csv'",
    'ERROR:  permission denied for table customer_orders',
    'com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)',
    'pods is forbidden: User "system:serviceaccount:etl:runner" cannot create resource "pods" in API group "" in the namespace "prod"',
    '403 Client Error: Forbidden for url: https://storage.googleapis.com/upload/b/raw-zone',
    'mkdir: cannot create directory /mnt/share/out: Operation not permitted',
  ],
  schema_mismatch: [
    'psycopg2.errors.UndefinedColumn: column "discount_pct" does not exist',
    "org.apache.spark.sql.AnalysisException: cannot resolve 'amount_usd' given input columns: [id, amount, currency]",
    "pymysql.err.OperationalError: (1054, \"Unknown column 'region' in 'field list'\")",
    'sqlite3.OperationalError: no such column: updated_at',
    'org.apache.avro.SchemaParseException: Undefined name: "OrderLine"',
    'Schema mismatch: expected 12 columns, got 11 in file part-0003.parquet',
    'ValueError: CSV header has unexpected columns: promo_code',
  ],
  data_quality: [
    'ERROR:  null value in column "customer_id" of relation "orders" violates not-null constraint',
    'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"',
    'ERROR:  invalid input syntax for type integer: "N/A"',
    "ValueError: could not convert string to float: '12,5'",
    'java.lang.NumberFormatException: For input string: "1.2.3"',
    'sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) NOT NULL constraint failed: users.email',
    'Data validation failed: 37 rows rejected (null values found in required column price)',
    'json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)',
  ],
  dependency_error: [
    "ModuleNotFoundError: No module named 'pyarrow'",
    'java.lang.ClassNotFoundException: org.postgresql.Driver',
    "Error: Cannot find module 'aws-sdk'",
    'ERROR: No matching distribution found for pandas==9.9.9',
    '503 Server Error: Service Unavailable for url: https://pricing.internal/api/v1/rates',
    'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    'ImportError: libgomp.so.1: cannot open shared object file: No such file or directory',
  ],
  connection: [
    'connection refused from upstream service',
    'psycopg2.OperationalError: could not connect to server: Connection refused\n\tIs the server running on host "db.internal" (10.0.0.5) and accepting TCP/IP connections on port 5432?',
    'java.net.ConnectException: Connection refused (Connection refused)',
    'urllib3.exceptions.NewConnectionError: <urllib3.connection.HTTPSConnection object at 0x7f2c>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution',
    'read tcp 10.1.0.4:51234->10.1.0.9:9092: read: connection reset by peer',
    'Error: getaddrinfo ENOTFOUND api.partner.example',
    'java.net.NoRouteToHostException: No route to host',
    'FATAL:  sorry, too many clients already',
  ],
  rate_limited: [
    '429 Client Error: Too Many Requests for url: https://api.github.com/repos/x/y/commits',
    'botocore.exceptions.ClientError: An error occurred (ThrottlingException) when calling the PutRecord operation: Rate exceeded',
    'com.amazonaws.services.dynamodbv2.model.ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded',
    'google.api_core.exceptions.ResourceExhausted: 429 Quota exceeded for quota metric read requests',
    'Rate limit reached for requests; retry after 20s',
    'Request throttled by the server, backing off',
  ],
  out_of_memory: [
    'java.lang.OutOfMemoryError: Java heap space',
    'MemoryError: Unable to allocate 7.45 GiB for an array with shape (1000000000,) and data type float64',
    'Container killed by YARN for exceeding memory limits. 12.1 GB of 12 GB physical memory used.',
    'Last State: Terminated  Reason: OOMKilled  Exit Code: 137',
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    'ERROR:  out of shared memory',
    'The node was low on resource: memory. Container etl was using 3Gi, which exceeds its request of 1Gi.',
  ],
  disk_full: [
    "OSError: [Errno 28] No space left on device: '/tmp/spill-0001'",
    'ERROR:  could not extend file "base/16384/2619": No space left on device',
    'write /var/lib/docker/overlay2/x/diff/out.parquet: no space left on device',
    'The node was low on resource: ephemeral-storage. Container x was using 10Gi, which exceeds its request of 0.',
    'Disk quota exceeded while writing /home/etl/cache',
    'Warning  FreeDiskSpaceFailed  node has DiskPressure',
  ],
  resource_not_found: [
    "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/2024-06-01.csv'",
    'psycopg2.errors.UndefinedTable: relation "staging.orders" does not exist',
    'botocore.errorfactory.NoSuchKey: An error occurred (NoSuchKey) when calling the GetObject operation',
    'org.apache.spark.sql.AnalysisException: Path does not exist: hdfs://nn:8020/raw/events/dt=2024-06-01',
    'Error from server (NotFound): pods "etl-worker-7" not found',
    'Request failed with status code 404',
    'java.io.FileNotFoundException: /opt/jobs/config/mapping.json (No such file or directory)',
  ],
  configuration_error: [
    'Error: secret "warehouse-credentials" not found',
    "Error: couldn't find key DB_HOST in ConfigMap prod/etl-config",
    'Warning  Failed  Error: CreateContainerConfigError',
    'django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.',
    'environment variable WAREHOUSE_URL is not set',
    'Invalid configuration: batch_size must be a positive integer',
    'FATAL:  role "etl_writer" does not exist',
  ],
  cancelled: [
    'asyncio.exceptions.CancelledError',
    'java.util.concurrent.CancellationException: Task was cancelled.',
    'ERROR:  canceling statement due to user request',
    'rpc error: code = Canceled desc = context canceled',
    'Run 8812 was cancelled by user alice',
    'KeyboardInterrupt',
  ],
};

describe('classifyError', () => {
  for (const [signature, messages] of Object.entries(CASES)) {
    it.each(messages)(`${signature}: %s`, (message) => {
      const m = classifyError(message);
      expect(m.signature).toBe(signature);
      expect(m.confidence).toBeGreaterThanOrEqual(0.6);
      expect(m.rule).not.toBe('');
    });
  }

  it.each([
    'INFO job finished in 12 ms',
    'Starting TrustedInstaller initialization.',
    'Received block blk_42 of size 67108864 from /10.0.0.1',
    '',
  ])('unknown, with confidence 0: %s', (message) => {
    expect(classifyError(message)).toMatchObject({ signature: 'unknown', confidence: 0 });
  });

  it('covers every class in the cases above', () => {
    expect(Object.keys(CASES).sort()).toEqual(SIGNATURES.filter((s) => s !== 'unknown').sort());
  });

  it('prefers the more specific class: a statement timeout is a timeout, not a cancellation', () => {
    const all = matchSignatures('ERROR:  canceling statement due to statement timeout');
    expect(all[0].signature).toBe('timeout');
    expect(all.map((m) => m.signature)).toContain('cancelled');
  });

  it('reads a traceback without its frames (a function named like a class does not count)', () => {
    const trace = [
      'Traceback (most recent call last):',
      '  File "/app/etl/load.py", line 88, in wait_for_timeout_or_cancel',
      '    cursor.execute(sql)',
      'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"',
    ].join('\n');
    expect(matchSignatures(trace).map((m) => m.signature)).toEqual(['data_quality']);
  });
});
