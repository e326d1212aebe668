/** The pure wire layer: framing, the command table and the codec. */
export { createFramer, DEFAULT_MAX_FRAME_BYTES, type Framer, type FramerItem, type FramerOptions } from './framer.js';
export {
  COMMANDS,
  COMMAND_CODES,
  MAX_CODE_LENGTH,
  commandSpec,
  isCommandCode,
  isInterruptible,
  opensAcceptance,
  type CommandSpec,
  type ParamKind,
  type ParamSpec,
} from './commands.js';
export {
  BAD_DATA_REPLY,
  decodeReply,
  encodeCommand,
  encodeReply,
  formatVpd,
  parseFrame,
  parseVpd,
  type DecodedReply,
  type FieldValue,
  type ParseOptions,
  type ParseResult,
  type ParsedCommand,
  type Vpd,
} from './codec.js';
