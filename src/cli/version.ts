// `tsrun --version`, shaped like runc's.
declare const TSRUN_COMMIT: string | undefined;

const commit = typeof TSRUN_COMMIT === 'string' ? TSRUN_COMMIT : 'unknown';

export const TSRUN_VERSION = '0.1.0';
export const VERSION_TEXT = `tsrun version ${TSRUN_VERSION}\ncommit: ${commit}\nspec: 1.3.0\n`;
