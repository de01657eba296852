export interface FlowGateOptions {
  pause(): void;
  resume(): void;
  /** What one direction may forward in one turn of the event loop before it lets the others run. */
  turnBytes: number;
  /** Runs a callback once the current turn is over (setImmediate in Node). */
  defer(callback: () => void): void;
  /** Told, once per turn in which bytes moved, how many did. */
  onTurnEnd?(bytes: number): void;
}

export interface FlowGate {
  /** Whether the reader side has asked the source to wait. */
  readonly backpressured: boolean;
  setBackpressured(on: boolean): void;
  /** Counts bytes forwarded in this turn; the source pauses once the turn's share is used. */
  count(bytes: number): void;
}

/**
 * The relays' flow control, written once for every hop: a source is paused for either of two
 * reasons, the reader's backpressure or the end of its share of an event-loop turn, and
 * pause/resume run only when the answer changes. Without the turn cap, libuv hands out up to 32
 * reads of 64 KiB per socket per turn, and a few busy streams make every quiet one wait for
 * megabytes of someone else's pixels.
 */
export function createFlowGate(options: FlowGateOptions): FlowGate {
  let paused = false;
  let backpressured = false;
  let turnUsed = false;
  let bytes = 0;

  const sync = () => {
    const want = backpressured || turnUsed;
    if (want === paused) return;
    paused = want;
    if (want) options.pause();
    else options.resume();
  };
  const endTurn = () => {
    if (bytes > 0) options.onTurnEnd?.(bytes);
    bytes = 0;
    if (turnUsed) {
      turnUsed = false;
      sync();
    }
  };

  return {
    get backpressured() {
      return backpressured;
    },
    setBackpressured(on) {
      backpressured = on;
      sync();
    },
    count(n) {
      if (bytes === 0) options.defer(endTurn);
      bytes += n;
      if (bytes >= options.turnBytes && !turnUsed) {
        turnUsed = true;
        sync();
      }
    },
  };
}
