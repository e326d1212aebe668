/**
 * What a domain fault may do to the machine: a small effects API the machine model implements
 * for one firing (src/machine/fault-effects.ts). A fault definition's `apply`
 * acts only through it, so a new domain fault is one catalogue file and never a new branch
 * in the machine.
 */

/** The piece that was about to move when the fault fired part-way into an operation. */
export interface MovingPiece {
  /** Denomination in cents. */
  value: number;
  isNote: boolean;
  /** 'accept': going in; 'dispense': coming out. */
  phase: 'accept' | 'dispense';
}

export interface DeviceErrorOptions {
  /** Blocking errors stop cash operations; default: every code that is not a warning (protocol.md §8). */
  blocking?: boolean;
  /** The error clears by itself after this many simulated ms; without it the operator clears it. */
  forMs?: number;
  /** The denomination that jammed (`#GC#` shows 31 JAM for it). */
  denomination?: number;
}

export interface DomainEffects {
  /** The piece moving when the fault fired at a 'progress' point; null when it fired on a command. */
  readonly piece: MovingPiece | null;
  /** The kind of operation in progress, if any. */
  readonly operation: 'init' | 'charge' | 'accept' | 'dispense' | 'screen' | null;
  /** An amount as the profile writes it ("20 €"). */
  money(cents: number): string;
  /** A machine event for the transcript, on the connection the fault fired on. */
  event(text: string): void;
  isWarningCode(code: number): boolean;
  /** `#?#` lists the code from now on. */
  addDeviceError(code: number, options?: DeviceErrorOptions): void;
  /**
   * The operation in progress stops where it is and replies with the money that really moved
   * (an acceptance stays open but takes no more cash). `pieceWasGoingIn`: the moving piece was
   * not taken and goes back to the customer. Does nothing when no operation is open.
   */
  failOperation(options: { pieceWasGoingIn: boolean }): void;
  /** The connector process restarts: it forgets `#I#`, the reply of an operation in flight is lost. */
  restartConnector(): void;
  /** The cash machine loses power: it forgets `#I#` and the next start is cold. */
  switchOff(): void;
  /** The stacker is (made) full: notes bound for it are refused. */
  fillStacker(): void;
  /** The dispense in progress comes out `cents` short (the missing amount stays in the machine). */
  shortenDispense(cents: number): void;
  /** The command that fired the fault is answered `#ER:BUSY#` instead of being handled. */
  answerBusy(): void;
}
