/** Jobs of one pipeline run one after another; pipelines run side by side. */
export class PipelineQueues<J> {
  private readonly queues = new Map<string, J[]>();
  private readonly busy = new Map<string, Promise<void>>();
  private closed = false;

  /**
   * @param run runs one job (its errors are the caller's to catch)
   * @param replaces whether a new job replaces a queued one (it then takes its place at the end)
   * @param redundant whether a new job adds nothing to a queued one (it is then dropped)
   */
  constructor(
    private readonly run: (pipelineId: string, job: J) => Promise<void>,
    private readonly replaces: (queued: J, incoming: J) => boolean,
    private readonly redundant: (queued: J, incoming: J) => boolean,
  ) {}

  /** Queues a job for the pipeline; starts its turn when none is running. Ignored once closed. */
  enqueue(pipelineId: string, job: J): void {
    if (this.closed) return;
    const queue = this.queues.get(pipelineId) ?? [];
    if (queue.some((q) => this.redundant(q, job))) return;
    const i = queue.findIndex((q) => this.replaces(q, job));
    if (i >= 0) queue.splice(i, 1);
    queue.push(job);
    this.queues.set(pipelineId, queue);
    if (!this.busy.has(pipelineId)) this.busy.set(pipelineId, this.drain(pipelineId));
  }

  /** Waits until every queued job has run. */
  async flush(): Promise<void> {
    while (this.busy.size > 0) await Promise.all([...this.busy.values()]);
  }

  /** Takes no more jobs; waits for those queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async drain(pipelineId: string): Promise<void> {
    for (;;) {
      const job = this.queues.get(pipelineId)?.shift();
      if (job === undefined) {
        // Synchronously with the check: a job queued from now on starts a new turn.
        this.queues.delete(pipelineId);
        this.busy.delete(pipelineId);
        return;
      }
      await this.run(pipelineId, job);
    }
  }
}
