/** The level at which a score is an alert; the detector's scores are calibrated around it. */
export const ALERT_LEVEL = 0.5;

/**
 * Keeps a detector quiet during an episode it has already alerted on: after a score reaches the
 * alert level, the next `quietPoints` scores are multiplied by `factor`, so one ongoing incident
 * yields one alert rather than a burst.
 */
export class EpisodeGate {
  private quietLeft = 0;

  /**
   * @param quietPoints length of the quiet period after an alert
   * @param factor multiplier of scores during it
   * @param refractory points after an alert during which even new evidence is taken as the same episode
   */
  constructor(
    private readonly quietPoints: number,
    private readonly factor: number,
    private readonly refractory: number,
  ) {}

  /** The score to emit for `score` at this point. */
  pass(score: number): number {
    if (this.quietLeft > 0) {
      this.quietLeft--;
      return score * this.factor;
    }
    if (score >= ALERT_LEVEL) this.quietLeft = this.quietPoints;
    return score;
  }

  /**
   * For qualitatively new evidence (a value never seen before): emitted undamped, starting a new
   * quiet period, unless it comes within the refractory period of the last alert.
   */
  force(score: number): number {
    if (this.quietLeft > 0 && this.quietPoints - this.quietLeft < this.refractory) return this.pass(score);
    this.quietLeft = this.quietPoints;
    return score;
  }
}
