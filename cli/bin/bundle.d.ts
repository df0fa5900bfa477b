/** The bundle's entry file (a file: URL) when it was built from the files as they are now; else undefined. */
export function freshBundle(): string | undefined;
/** Builds the bundle and writes its manifest. */
export function buildBundle(): Promise<{ inputs: number; ms: number }>;
