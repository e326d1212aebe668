import { CertError, type ErrorCode } from '../errors.js';

/**
 * What the simulator handle throws for a request it cannot carry out: `NOTHING_OPEN` when
 * there is no acceptance or screen to act on (the control API answers 409), `SIMULATOR` for
 * a bad value (400), e.g. a denomination the profile does not have.
 */
export class SimulatorError extends CertError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
