/**
 * The error-signature rules: what each class looks like in the messages of common stacks (Python,
 * JVM, Go, Node, Postgres/MySQL/SQLite, HTTP clients, cloud SDKs, Kubernetes events). Each rule has
 * the confidence that a message it matches belongs to its class: exception class names and fixed
 * error texts are near certain, loose keywords less so. A message may match rules of several
 * classes; the most confident match is its signature.
 */

/** The signature classes, `unknown` when nothing matches. */
export const SIGNATURES = [
  'timeout',
  'auth_failure',
  'permission_denied',
  'schema_mismatch',
  'data_quality',
  'dependency_error',
  'connection',
  'rate_limited',
  'out_of_memory',
  'disk_full',
  'resource_not_found',
  'configuration_error',
  'cancelled',
  'unknown',
] as const;
/** One signature class. */
export type Signature = (typeof SIGNATURES)[number];

/** One rule: a pattern, the class it indicates, how sure a match is, and a short name for evidence. */
export interface SignatureRule {
  signature: Exclude<Signature, 'unknown'>;
  confidence: number;
  name: string;
  pattern: RegExp;
}

// An HTTP status only counts next to words that make it one (`HTTP 429`, `status code: 503`).
const status = (codes: string): RegExp =>
  new RegExp(
    `(?:\\bHTTP(?:/[\\d.]+)?\\s*(?:error\\s*)?|\\bstatus(?:[ _]?code)?\\s*[:=]?\\s*|\\bresponse(?: code)?\\s*[:=]?\\s*|\\breturned\\s+|\\bgot\\s+)(?:${codes})\\b`,
    'i',
  );

const rule = (
  signature: SignatureRule['signature'],
  confidence: number,
  name: string,
  pattern: RegExp,
): SignatureRule => ({ signature, confidence, name, pattern });

/** Every rule, compiled once. Order breaks ties between equally confident matches. */
export const SIGNATURE_RULES: readonly SignatureRule[] = [
  // timeout
  rule(
    'timeout',
    0.95,
    'timeout exception',
    /\b(?:Socket|Read|Connect|Connection|Request|Gateway|Pool)?Timeout(?:Exception|Error)\b|\b(?:Read|Connect|Pool)Timeout\b|\bsocket\.timeout\b|\bETIMEDOUT\b/,
  ),
  rule('timeout', 0.95, 'statement timeout', /canceling statement due to (?:statement|lock) timeout/i),
  rule('timeout', 0.9, 'deadline exceeded', /\bdeadline[ _]exceeded\b|\bDeadlineExceeded\b/i),
  rule('timeout', 0.9, 'HTTP 408/504', /\b(?:408 Request Timeout|504 Gateway Time-?out)\b/i),
  rule('timeout', 0.85, 'HTTP 408/504 status', status('408|504')),
  rule('timeout', 0.85, 'timed out', /\btimed[ -]?out\b/i),
  rule('timeout', 0.8, 'timeout', /\btime[ -]?outs?\b(?! (?:set|configured) to)/i),
  // auth_failure
  rule(
    'auth_failure',
    0.95,
    'password authentication failed',
    /password authentication failed|Access denied for user .* \(using password/i,
  ),
  rule(
    'auth_failure',
    0.95,
    'authentication exception',
    /\b(?:Authentication|NotAuthorized)(?:Exception|Error)\b|\b(?:InvalidClientTokenId|ExpiredToken|UNAUTHENTICATED|Unauthenticated)\b|\bpull access denied\b/,
  ),
  rule(
    'auth_failure',
    0.9,
    'authentication failed',
    /\bauth(?:entication)?\s+(?:has\s+)?fail(?:ed|ure)?\b|\blogin failed\b|\bnot authenticated\b/i,
  ),
  rule(
    'auth_failure',
    0.9,
    'invalid credentials or token',
    /\b(?:invalid|bad|wrong|expired|missing)\s+(?:credentials?|password|api[ _-]?key|access[ _-]?key|token|bearer token|secret)\b|\b(?:token|credentials?)\s+(?:has\s+|have\s+)?expired\b/i,
  ),
  rule('auth_failure', 0.9, 'HTTP 401', /\bunauthori[sz]ed\b/i),
  rule('auth_failure', 0.85, 'HTTP 401 status', status('401')),
  rule(
    'auth_failure',
    0.8,
    'signature mismatch',
    /\bSignatureDoesNotMatch\b|request signature .* does not match/i,
  ),
  // permission_denied
  rule(
    'permission_denied',
    0.95,
    'permission exception',
    /\b(?:PermissionError|AccessDeniedException|AccessDenied|SecurityException)\b|\bErrno 13\b|\bEACCES\b|\bEPERM\b/,
  ),
  rule('permission_denied', 0.95, 'kubernetes forbidden', /\bforbidden: User ".*" cannot \w+/i),
  rule('permission_denied', 0.9, 'permission denied', /\bpermission denied\b|\boperation not permitted\b/i),
  rule(
    'permission_denied',
    0.85,
    'access denied or forbidden',
    /\baccess (?:is )?denied\b|\b403 Forbidden\b|\bForbidden\b|\bnot authori[sz]ed to\b|\binsufficient (?:privileges|permissions)\b|\bmust be owner of\b/i,
  ),
  rule('permission_denied', 0.85, 'HTTP 403 status', status('403')),
  // schema_mismatch
  rule(
    'schema_mismatch',
    0.95,
    'undefined column',
    /\bUndefinedColumn\b|column "?[\w.]+"? (?:of relation "?[\w.]+"? )?does not exist|\bno such column\b|\bUnknown column '[^']*' in\b/i,
  ),
  rule(
    'schema_mismatch',
    0.95,
    'schema exception',
    /\b(?:IncompatibleSchema|SchemaParse|SchemaValidation|SchemaMismatch)(?:Exception|Error)\b/,
  ),
  rule(
    'schema_mismatch',
    0.9,
    'schema mismatch',
    /\bschema (?:mismatch|incompatib\w+|evolution (?:error|failed)|validation (?:error|failed))\b|\bincompatible schemas?\b|\bdoes not match (?:the )?(?:table |target )?schema\b/i,
  ),
  rule(
    'schema_mismatch',
    0.9,
    'cannot resolve column',
    /\bcannot resolve '?`?[\w.]+`?'? given input columns\b|\bAnalysisException: (?:cannot resolve|Column)/i,
  ),
  rule(
    'schema_mismatch',
    0.85,
    'column count or type mismatch',
    /\bexpected \d+ (?:columns?|fields?),? (?:but )?(?:got|found|received) \d+|\b(?:missing|unexpected|extra) (?:columns?|fields?)\b|\bcolumn count (?:doesn't|does not) match\b|\bfield .* not found in schema\b/i,
  ),
  // data_quality
  rule(
    'data_quality',
    0.95,
    'constraint violation',
    /violates (?:not-null|unique|foreign key|check|exclusion) constraint|\b(?:NOT NULL|UNIQUE|CHECK|FOREIGN KEY) constraint failed\b|\bduplicate key value\b|\bDuplicate entry '.*' for key\b/i,
  ),
  rule(
    'data_quality',
    0.9,
    'integrity exception',
    /\b(?:IntegrityError|ConstraintViolationException|DataIntegrityViolationException|UniqueViolation|NotNullViolation|ForeignKeyViolation|CheckViolation)\b/,
  ),
  rule(
    'data_quality',
    0.9,
    'invalid value for type',
    /\binvalid input syntax for (?:type )?\w+|\bcould not convert string to \w+|\binvalid literal for \w+\(\)|\bNumberFormatException\b|\bvalue too long for type\b|\bout of range for (?:type )?\w+|\bnumeric field overflow\b|\bInvalidDataException\b/i,
  ),
  rule(
    'data_quality',
    0.85,
    'null values',
    /\bnull values? (?:found|not allowed|in (?:non-nullable|required))|\bunexpected null\b|\bcontains? (?:null|NaN) values?\b/i,
  ),
  rule(
    'data_quality',
    0.85,
    'malformed record',
    /\bmalformed (?:record|row|line|json|csv|input|data)\b|\bJSONDecodeError\b|\bUnicodeDecodeError\b|\bcorrupt(?:ed)? (?:record|row|file|data)\b|\bparse error at (?:line|row)\b/i,
  ),
  rule(
    'data_quality',
    0.8,
    'data validation failed',
    /\b(?:data )?(?:validation|quality check|expectation)s? failed\b|\brows? (?:rejected|failed validation)\b|\bDataError\b|\bdivision by zero\b/i,
  ),
  rule(
    'data_quality',
    0.6,
    'type error or null',
    /\b(?:TypeError|ClassCastException|NullPointerException)\b|\bcannot be cast to\b/,
  ),
  // dependency_error
  rule(
    'dependency_error',
    0.95,
    'missing module or package',
    /\bModuleNotFoundError\b|\bNo module named\b|\bCannot find (?:module|package)\b|\bNo matching distribution found\b|\b(?:ClassNotFoundException|NoClassDefFoundError|UnsatisfiedLinkError)\b|\bMODULE_NOT_FOUND\b/,
  ),
  rule(
    'dependency_error',
    0.9,
    'import or library failure',
    /\bImportError\b|\bcannot open shared object file\b|\blibrary not loaded\b|\bcould not resolve dependencies\b|\bpackage .* (?:is not installed|not found)\b/i,
  ),
  rule(
    'dependency_error',
    0.9,
    'upstream unavailable',
    /\bno healthy upstream\b|\bupstream connect error\b|\b502 Bad Gateway\b|\b503 Service Unavailable\b|\bBad Gateway\b/i,
  ),
  rule('dependency_error', 0.85, 'HTTP 502/503 status', status('502|503')),
  rule(
    'dependency_error',
    0.85,
    'service unavailable',
    /\bservice (?:is )?(?:temporarily )?unavailable\b|\bServiceUnavailable(?:Exception|Error)?\b/i,
  ),
  rule(
    'dependency_error',
    0.8,
    'database not ready',
    /\bthe database system is (?:starting up|shutting down|in recovery mode)\b/i,
  ),
  rule('dependency_error', 0.8, 'command not found', /\bcommand not found\b|\bexecutable file not found\b/i),
  rule(
    'dependency_error',
    0.6,
    'upstream or downstream failure',
    /\b(?:upstream|downstream|dependent|external) (?:service|system|api|job|dependency)\b|\bdependency (?:failed|unavailable|error)\b/i,
  ),
  // connection
  rule(
    'connection',
    0.95,
    'connection refused',
    /\bconnection refused\b|\bECONNREFUSED\b|\bConnectionRefusedError\b/i,
  ),
  rule(
    'connection',
    0.95,
    'could not connect to server',
    /\bcould not connect to server\b|\bserver closed the connection unexpectedly\b|\bCommunications link failure\b/i,
  ),
  rule(
    'connection',
    0.9,
    'connection reset',
    /\bconnection reset(?: by peer)?\b|\bECONNRESET\b|\bbroken pipe\b|\bEPIPE\b|\bsocket hang up\b/i,
  ),
  rule(
    'connection',
    0.9,
    'host unreachable',
    /\bno route to host\b|\bNoRouteToHostException\b|\bnetwork is unreachable\b|\bhost (?:is )?unreachable\b|\bEHOSTUNREACH\b|\bENETUNREACH\b/i,
  ),
  rule(
    'connection',
    0.9,
    'name resolution',
    /\bTemporary failure in name resolution\b|\bName or service not known\b|\bgetaddrinfo (?:ENOTFOUND|failed)\b|\bUnknownHostException\b|\bcould not translate host name\b|\bno such host\b/i,
  ),
  rule(
    'connection',
    0.9,
    'connect exception',
    /\b(?:ConnectException|ConnectionError|ConnectionResetError|ConnectionAbortedError|SocketException)\b/,
  ),
  rule(
    'connection',
    0.85,
    'could not connect',
    /\b(?:could not|unable to|failed to|cannot) (?:connect|establish (?:a )?connection)\b|\bconnection (?:closed|lost|aborted|dropped|failed|error)\b/i,
  ),
  rule(
    'connection',
    0.85,
    'too many connections',
    /\btoo many (?:clients|connections)\b|\bconnection pool (?:exhausted|timed out)\b/i,
  ),
  rule(
    'connection',
    0.7,
    'TLS handshake',
    /\b(?:SSL|TLS)(?:Error| handshake)\b|\bhandshake (?:failed|failure)\b/i,
  ),
  // rate_limited
  rule(
    'rate_limited',
    0.95,
    'too many requests',
    /\b429 Too Many Requests\b|\bToo Many Requests\b|\b(?:Throttling|TooManyRequests|ProvisionedThroughputExceeded|RequestLimitExceeded)(?:Exception|Error)?\b|\bSlowDown\b/,
  ),
  rule('rate_limited', 0.95, 'rate limit', /\brate[ -]?limit(?:ed|ing)?\b|\bthrottl(?:ed|ing)\b/i),
  rule('rate_limited', 0.9, 'HTTP 429 status', status('429')),
  rule(
    'rate_limited',
    0.85,
    'quota exceeded',
    /\bquota (?:exceeded|exhausted)\b|\bexceeded (?:your |the )?(?:request )?quota\b|\bRESOURCE_EXHAUSTED\b/i,
  ),
  // out_of_memory
  rule(
    'out_of_memory',
    0.95,
    'out-of-memory error',
    /\bOutOfMemoryError\b|\bMemoryError\b|\bOOMKilled\b|\boom[-_]kill\w*|\bJavaScript heap out of memory\b|\bGC overhead limit exceeded\b|\bstd::bad_alloc\b|\bCUDA out of memory\b/i,
  ),
  rule(
    'out_of_memory',
    0.95,
    'killed for memory',
    /\bkilled .* for exceeding (?:physical |virtual )?memory limits?\b|\bKilled process \d+ .*out of memory/i,
  ),
  rule(
    'out_of_memory',
    0.9,
    'out of memory',
    /\bout of (?:shared )?memory\b|\bCannot allocate memory\b|\bENOMEM\b|\b(?:exceed(?:s|ed|ing)?|over) (?:the )?memory limit\b|\bmemory limit exceeded\b|\binsufficient memory\b|\blow on resource: memory\b/i,
  ),
  rule('out_of_memory', 0.7, 'exit code 137', /\bexit(?:ed)?(?: with)? (?:code|status) 137\b/i),
  // disk_full
  rule(
    'disk_full',
    0.95,
    'no space left',
    /\bNo space left on device\b|\bENOSPC\b|\bErrno 28\b|\bcould not extend file\b|\bdisk quota exceeded\b|\bEDQUOT\b/i,
  ),
  rule(
    'disk_full',
    0.9,
    'disk full',
    /\b(?:disk|volume|file ?system|partition) (?:is )?full\b|\bout of disk(?: space)?\b|\b(?:not enough|insufficient) (?:disk |storage )?space\b|\bDiskPressure\b|\blow on resource: ephemeral-storage\b|\bexceeded its local ephemeral storage limit\b/i,
  ),
  // resource_not_found
  rule(
    'resource_not_found',
    0.95,
    'not-found exception',
    /\b(?:FileNotFoundError|FileNotFoundException|NoSuchFileException|ResourceNotFoundException|NoSuchKey|NoSuchBucket|UndefinedTable|TableNotFoundException|NoSuchTableException)\b/,
  ),
  rule(
    'resource_not_found',
    0.9,
    'missing table or database',
    /\brelation "?[\w.]+"? does not exist\b|\bno such table\b|\bTable '?[\w.]+'? (?:doesn't exist|not found)\b|\bdatabase "?[\w.]+"? does not exist\b|\bUnknown database\b|\bPath does not exist\b/i,
  ),
  rule('resource_not_found', 0.85, 'no such file', /\bNo such file or directory\b|\bENOENT\b/i),
  rule('resource_not_found', 0.85, 'HTTP 404', /\b404 Not Found\b/i),
  rule('resource_not_found', 0.8, 'HTTP 404 status', status('404')),
  rule(
    'resource_not_found',
    0.8,
    'kubernetes not found',
    /\b(?:pods?|deployments?|services?|jobs?|namespaces?|persistentvolumeclaims?) "[^"]+" not found\b|\bErrImagePull\b|\bImagePullBackOff\b|\bmanifest unknown\b/i,
  ),
  rule('resource_not_found', 0.5, 'not found', /\bnot found\b|\bdoes not exist\b|\bno such\b/i),
  // configuration_error
  rule(
    'configuration_error',
    0.95,
    'configuration exception',
    /\b(?:(?:Configuration|InvalidConfiguration|ConfigurationProperties|BeanCreation)(?:Exception|Error)|ImproperlyConfigured)\b|\bCreateContainerConfigError\b|\bInvalidImageName\b/,
  ),
  rule(
    'configuration_error',
    0.9,
    'misconfiguration',
    /\bmisconfigur\w*|\bconfig(?:uration)? (?:error|invalid|is invalid|not found|missing)\b|\b(?:invalid|bad|malformed) (?:config(?:uration)?|setting|connection string|url|dsn)\b|\bcould not (?:parse|load|read) (?:the )?config/i,
  ),
  rule(
    'configuration_error',
    0.9,
    'missing setting',
    /\b(?:environment variable|env var|setting|property|option|parameter)s? "?[\w.-]*"? (?:is )?(?:not set|missing|undefined|required)\b|\bmissing (?:required )?(?:environment variable|env var|setting|property|config(?:uration)? (?:key|value))\b/i,
  ),
  rule(
    'configuration_error',
    0.9,
    'kubernetes config object missing',
    /\b(?:configmaps?|secrets?) "[^"]+" not found\b|\bcouldn't find key \S+ in (?:ConfigMap|Secret)\b/i,
  ),
  rule('configuration_error', 0.85, 'role does not exist', /\brole "[^"]+" does not exist\b/i),
  rule(
    'configuration_error',
    0.75,
    'unknown or unsupported option',
    /\b(?:unknown|unrecognized|unsupported|invalid) (?:option|flag|parameter|argument|property|value for)\b/i,
  ),
  rule('configuration_error', 0.5, 'illegal argument', /\bIllegalArgumentException\b|\bValueError\b/),
  // cancelled
  rule(
    'cancelled',
    0.95,
    'cancellation exception',
    /\b(?:CancelledError|CancellationException|OperationCanceledException|TaskCanceledException)\b|\bcontext canceled\b/,
  ),
  rule(
    'cancelled',
    0.95,
    'cancelled by user',
    /\bcancel\w* (?:\w+ )?(?:by|due to) (?:the )?(?:user|operator|admin\w*)\b|\b(?:killed|stopped|aborted) by (?:the )?(?:user|operator)\b|\bmanually (?:stopped|cancel(?:l)?ed)\b|\bKeyboardInterrupt\b/i,
  ),
  rule('cancelled', 0.85, 'cancelled', /\bcancel(?:l)?(?:ed|ing)\b/i),
  rule(
    'cancelled',
    0.6,
    'terminated or interrupted',
    /\b(?:SIGTERM|SIGINT)\b|\binterrupted\b|\bpreempted\b|\baborted\b/i,
  ),
];
