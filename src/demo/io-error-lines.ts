import type { Endpoint } from './fleet-spec.js';
import { traced, type StageError } from './error-lines.js';
import { between, datePath, hex, type LineContext } from './text.js';

/** Credentials rejected by the source: HTTP 401/403, S3 AccessDenied, a database or broker refusing the login. */
export function authError(ctx: LineContext, flavour: number): StageError {
  const src = ctx.spec.source;
  const requestId = hex(ctx.rng, 16).toUpperCase();
  const user = `etl_${ctx.spec.domain.entity}_reader`;
  switch (src.kind) {
    case 'http': {
      const url = `https://${src.host}${src.target}?updated_since=${new Date(ctx.runStartMs - 3_600_000).toISOString()}&page=${between(ctx.rng, 1, 40)}`;
      const code = flavour % 2 === 0 ? '401 Client Error: Unauthorized' : '403 Client Error: Forbidden';
      return traced(
        ctx,
        {
          frames: ['    resp.raise_for_status()'],
          error: `requests.exceptions.HTTPError: ${code} for url: ${url} (request_id=${requestId.toLowerCase()})`,
        },
        {
          error:
            flavour % 2 === 0
              ? `org.springframework.web.client.HttpClientErrorException$Unauthorized: 401 Unauthorized: "{"error":"invalid_token","error_description":"The access token expired"}" [GET ${url}]`
              : `org.springframework.web.client.HttpClientErrorException$Forbidden: 403 Forbidden: "{"error":"insufficient_scope","scope":"read:${ctx.spec.domain.entity}"}" [GET ${url}]`,
          frames: [
            'org.springframework.web.client.DefaultResponseErrorHandler.handleError(DefaultResponseErrorHandler.java:120)',
          ],
        },
      );
    }
    case 's3': {
      const key = `${datePath(ctx.runStartMs)}/part-${String(between(ctx.rng, 0, 63)).padStart(5, '0')}.parquet`;
      const [code, text] =
        flavour % 2 === 0
          ? ['AccessDenied', 'Access Denied']
          : ['ExpiredToken', 'The provided token has expired.'];
      return traced(
        ctx,
        {
          frames: [`    obj = s3.get_object(Bucket="${src.target}", Key="${key}")`],
          error: `botocore.exceptions.ClientError: An error occurred (${code}) when calling the GetObject operation: ${text} (HTTP 403)`,
        },
        {
          error: `com.amazonaws.services.s3.model.AmazonS3Exception: ${text} (Service: Amazon S3; Status Code: 403; Error Code: ${code}; Request ID: ${requestId}; S3 Extended Request ID: ${hex(ctx.rng, 24)}=)`,
          frames: [
            'com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse(AmazonHttpClient.java:1879)',
          ],
        },
      );
    }
    case 'postgres':
      if (flavour % 2 === 1) return vaultForbidden(ctx, requestId);
      return traced(
        ctx,
        {
          frames: ['    conn = psycopg2.connect(dsn)'],
          error: `psycopg2.OperationalError: connection to server at "${src.host}" (${src.ip}), port ${src.port} failed: FATAL:  password authentication failed for user "${user}"`,
        },
        {
          error: `org.postgresql.util.PSQLException: FATAL: password authentication failed for user "${user}"`,
          frames: [
            'org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)',
          ],
        },
      );
    default:
      if (flavour % 2 === 1) return vaultForbidden(ctx, requestId);
      return traced(
        ctx,
        {
          frames: ['    consumer = KafkaConsumer(topic, **config)'],
          error: `kafka.errors.AuthenticationFailedError: SaslAuthenticationFailed: [${src.host}:${src.port}] Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (401)`,
        },
        {
          error:
            'org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
          frames: [
            'org.apache.kafka.common.security.authenticator.SaslClientAuthenticator.receiveKafkaResponse(SaslClientAuthenticator.java:545)',
          ],
        },
      );
  }
}

function vaultForbidden(ctx: LineContext, requestId: string): StageError {
  const path = `database/creds/${ctx.spec.name}-reader`;
  return traced(
    ctx,
    {
      frames: [`    secret = vault.secrets.database.generate_credentials(name="${ctx.spec.name}-reader")`],
      error: `hvac.exceptions.Forbidden: permission denied, on get https://vault.internal:8200/v1/${path} (403, request_id=${requestId.toLowerCase()})`,
    },
    {
      error: `com.bettercloud.vault.VaultException: Vault responded with HTTP status code: 403 Forbidden (permission denied) for /v1/${path}`,
      frames: ['com.bettercloud.vault.api.Logical.read(Logical.java:128)'],
    },
  );
}

/** The other side is down: connection refused, connect or read timeouts, 503s. */
export function connectionError(ctx: LineContext, ep: Endpoint, flavour: number): StageError {
  const refused = flavour % 2 === 0;
  switch (ep.kind) {
    case 'postgres':
      return traced(
        ctx,
        {
          frames: ['    conn = psycopg2.connect(dsn, connect_timeout=10)'],
          error: refused
            ? `psycopg2.OperationalError: connection to server at "${ep.host}" (${ep.ip}), port ${ep.port} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`
            : `psycopg2.OperationalError: connection to server at "${ep.host}" (${ep.ip}), port ${ep.port} failed: timeout expired`,
        },
        {
          error: `org.postgresql.util.PSQLException: Connection to ${ep.host}:${ep.port} refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.`,
          frames: [
            'org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:342)',
          ],
        },
      );
    case 'http':
    case 'bigquery': {
      const url = `https://${ep.host}${ep.kind === 'http' ? ep.target : '/bigquery/v2/projects/acme-analytics/jobs'}`;
      return traced(
        ctx,
        {
          frames: ['    resp = session.get(url, timeout=(30, 120))'],
          error: refused
            ? `requests.exceptions.ConnectionError: HTTPSConnectionPool(host='${ep.host}', port=${ep.port}): Max retries exceeded with url: ${url.slice(url.indexOf('/', 8))} (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f${hex(ctx.rng, 10)}>: Failed to establish a new connection: [Errno 111] Connection refused'))`
            : `requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='${ep.host}', port=${ep.port}): Max retries exceeded with url: ${url.slice(url.indexOf('/', 8))} (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f${hex(ctx.rng, 10)}>, 'Connection to ${ep.host} timed out. (connect timeout=30)'))`,
        },
        {
          error: refused
            ? `java.net.ConnectException: Connection refused (${ep.host}/${ep.ip}:${ep.port})`
            : `java.net.http.HttpConnectTimeoutException: HTTP connect timed out (${url})`,
          frames: ['java.net.http/jdk.internal.net.http.HttpClientImpl.send(HttpClientImpl.java:573)'],
        },
      );
    }
    case 'kafka':
      return traced(
        ctx,
        {
          frames: ['    producer.flush(timeout=60)'],
          error: refused
            ? `kafka.errors.NoBrokersAvailable: NoBrokersAvailable (bootstrap ${ep.host}:${ep.port}: dial tcp ${ep.ip}:${ep.port}: connect: connection refused)`
            : `kafka.errors.KafkaTimeoutError: KafkaTimeoutError: Failed to update metadata after 60.0 secs.`,
        },
        {
          error: `org.apache.kafka.common.errors.TimeoutException: Topic ${ep.target} not present in metadata after 60000 ms.`,
          frames: ['org.apache.kafka.clients.producer.KafkaProducer.waitOnMetadata(KafkaProducer.java:1127)'],
        },
      );
    case 's3':
      return traced(
        ctx,
        {
          frames: ['    obj = s3.get_object(Bucket=bucket, Key=key)'],
          error: `botocore.exceptions.${refused ? 'EndpointConnectionError: Could not connect to the endpoint URL' : 'ConnectTimeoutError: Connect timeout on endpoint URL'}: "https://${ep.host}/${ep.target}/${datePath(ctx.runStartMs)}/part-${String(between(ctx.rng, 0, 63)).padStart(5, '0')}.parquet"`,
        },
        {
          error: `com.amazonaws.SdkClientException: Unable to execute HTTP request: Connect to ${ep.host}:${ep.port} [${ep.host}/${ep.ip}] failed: connect timed out`,
          frames: [
            'com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleRetryableException(AmazonHttpClient.java:1219)',
          ],
        },
      );
  }
}

/**
 * A transient problem worth a retry, as the endpoint's kind of system reports it. Flavours 0 and 1
 * are the overload answers a retry storm repeats; the rest are one-off hiccups.
 */
export function transientCause(ctx: LineContext, ep: Endpoint, flavour: number): string {
  const reset = `ConnectionResetError: [Errno 104] Connection reset by peer (${ep.ip}:${ep.port})`;
  const causes: Record<Endpoint['kind'], readonly (() => string)[]> = {
    http: [
      () =>
        `429 Too Many Requests from https://${ep.host}${ep.target} (Retry-After: ${between(ctx.rng, 1, 30)})`,
      () => `503 Service Unavailable from https://${ep.host}${ep.target} (x-request-id: ${hex(ctx.rng, 12)})`,
      () => reset,
    ],
    bigquery: [
      () =>
        `google.api_core.exceptions.TooManyRequests: 429 Exceeded rate limits: too many table update operations for this table (job ${hex(ctx.rng, 8)})`,
      () =>
        `google.api_core.exceptions.ServiceUnavailable: 503 POST https://${ep.host}/upload/bigquery/v2/projects/acme-analytics/jobs: backendError`,
      () => reset,
    ],
    s3: [
      () =>
        `botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation (reached max retries: 4): Please reduce your request rate. (Request ID: ${hex(ctx.rng, 16).toUpperCase()})`,
      () =>
        `botocore.exceptions.ClientError: An error occurred (503) when calling the GetObject operation: Service Unavailable (Request ID: ${hex(ctx.rng, 16).toUpperCase()})`,
      () =>
        `ThrottlingException: Rate exceeded (Service: Amazon S3; Status Code: 400; Request ID: ${hex(ctx.rng, 8)}-${hex(ctx.rng, 4)})`,
    ],
    postgres: [
      () =>
        `psycopg2.errors.DeadlockDetected: deadlock detected DETAIL: Process ${between(ctx.rng, 10_000, 99_999)} waits for ShareLock on transaction ${between(ctx.rng, 1_000_000, 9_999_999)}; blocked by process ${between(ctx.rng, 10_000, 99_999)}.`,
      () =>
        `psycopg2.errors.QueryCanceled: canceling statement due to statement timeout (statement_timeout=${between(ctx.rng, 3, 30) * 10}s) on ${ep.host}`,
      () => `psycopg2.OperationalError: server closed the connection unexpectedly (${ep.host}:${ep.port})`,
    ],
    kafka: [
      () =>
        `kafka.errors.RequestTimedOutError: [Error 7] RequestTimedOutError: produce request to ${ep.host}:${ep.port} for ${ep.target}-${between(ctx.rng, 0, 23)} timed out`,
      () =>
        `kafka.errors.NotLeaderForPartitionError: [Error 6] NotLeaderForPartitionError: ${ep.target}-${between(ctx.rng, 0, 23)}`,
      () => reset,
    ],
  };
  const list = causes[ep.kind];
  return list[flavour % list.length]();
}
