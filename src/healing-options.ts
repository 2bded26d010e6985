/** The self-healing loop's options from the serve config: runbooks, guards, executors, timing. */
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { FlexiRoasterExecutor, WebhookExecutor, readRunbookFiles } from './adapters/index.js';
import type { HealingOptions } from './compose-healing.js';
import type { ServeConfig } from './config/index.js';
import { assertUniqueNames, parseRunbookText, type Runbook } from './healing/index.js';
import type { ActionExecutor } from './ports/index.js';
import type { Clock } from './shared/index.js';

/** The runbooks shipped with the service (`runbooks/` next to src/ and dist/). */
export const SHIPPED_RUNBOOKS = fileURLToPath(new URL('../runbooks/', import.meta.url));
/** Where the demo serves its fleet's orchestrator control API. */
export const DEMO_ORCHESTRATOR_PATH = '/demo/orchestrator/api';
/** The demo's infrastructure webhook (scale_workers, tickets, notifications), under its control API. */
export const DEMO_HOOK_PATH = `${DEMO_ORCHESTRATOR_PATH}/hooks/healing`;

const MIN = 60_000;

/** Loads and validates every runbook of the folder; an invalid one stops the start with its problems. */
export async function loadRunbooks(dir: string): Promise<Runbook[]> {
  const runbooks = (await readRunbookFiles(dir)).map((f) => parseRunbookText(f.text, f.name));
  assertUniqueNames(runbooks);
  return runbooks;
}

export interface HealingWiring {
  clock: Clock;
  log: Logger;
  /** The service's own base URL once it listens (the demo's orchestrator lives there). */
  selfUrl(): string;
  owner: string;
}

/**
 * The loop's options. Executors: the webhook with `--webhook-url`; the FlexiRoaster executor with
 * `--orchestrator-url`, or, when the demo runs without one, against the demo's own control API
 * (and then, without `--webhook-url`, the webhook against the demo's own infrastructure hook).
 * Runbooks without a mode run live only against the demo's orchestrator unless configured.
 */
export async function healingOptionsFromConfig(
  config: Readonly<ServeConfig>,
  wiring: HealingWiring,
): Promise<HealingOptions> {
  const dir = config.runbooks ?? SHIPPED_RUNBOOKS;
  const runbooks = await loadRunbooks(dir);
  const demoOrchestrator = config.demo && config.orchestratorUrl === null;
  const retry = { timeoutMs: config.executorTimeoutMs, maxAttempts: config.executorMaxAttempts };
  const defaultMode = (config.runbookDefaultMode ?? (demoOrchestrator ? 'live' : 'dry_run')) as
    'live' | 'dry_run';
  return {
    runbooks,
    runbookSource: dir,
    killSwitchFlag: config.killSwitch,
    guards: {
      dryRun: config.dryRun,
      defaultMode,
      approvalTtlMs: Math.round(config.approvalTtlMinutes * MIN),
      cooldownMs: Math.round(config.healingCooldownMinutes * MIN),
      rateLimitMax: config.healingRateLimit,
      rateLimitWindowMs: Math.round(config.healingRateWindowMinutes * MIN),
      fleetCap: config.healingFleetCap,
      breakerFailures: config.healingBreakerFailures,
      breakerCoolMs: Math.round(config.healingBreakerCoolMinutes * MIN),
    },
    executors: (catalog) => {
      const list: ActionExecutor[] = [];
      const orchestrator = config.orchestratorUrl;
      if (orchestrator !== null || demoOrchestrator)
        list.push(
          new FlexiRoasterExecutor({
            baseUrl: orchestrator ?? (() => `${wiring.selfUrl()}${DEMO_ORCHESTRATOR_PATH}`),
            catalog,
            retry,
          }),
        );
      if (config.webhookUrl !== null || demoOrchestrator)
        list.push(
          new WebhookExecutor({
            url: config.webhookUrl ?? (() => `${wiring.selfUrl()}${DEMO_HOOK_PATH}`),
            secret: config.webhookSecret,
            clock: wiring.clock,
            retry,
          }),
        );
      return list;
    },
    intervalMs: config.healingIntervalMs,
    service: {
      verifyDeadlineMs: Math.round(config.verifyDeadlineMinutes * MIN),
      auditRetentionMs: Math.round(config.auditRetentionDays * 24 * 60 * MIN),
    },
    owner: wiring.owner,
    onAction: (row) =>
      wiring.log[
        row.status === 'failed' || row.status === 'escalated' || row.status === 'unsupported'
          ? 'warn'
          : 'info'
      ](
        {
          pipeline_id: row.pipeline_id,
          action: row.action,
          status: row.status,
          runbook: row.runbook,
          reason: row.reason,
        },
        `healing: ${row.action} ${row.status}`,
      ),
  };
}
