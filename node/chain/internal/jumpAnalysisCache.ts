/**
 * ethereumjs re-runs jump-destination analysis over a contract's whole bytecode on every
 * message call; with the project's 10–20 kB contracts called several times per transaction,
 * that was 8 % of the node's CPU. The analysis is a pure function of the code (and the EVM's
 * opcode table), so it is cached per EVM instance and per code buffer (the state cache hands out
 * the same buffer for the same contract). The interpreter is not exported by @ethereumjs/evm,
 * hence the lookup by file next to the package entry; versions are pinned, and if the layout
 * ever changes the patch is skipped and only speed is lost.
 */
type Analysis = unknown;
type InterpreterProto = { _getValidJumpDestinations(this: { _evm: object }, code: Uint8Array): Analysis; __imiCached?: true };

let installed: Promise<void> | undefined;

export function installJumpAnalysisCache(): Promise<void> {
  installed ??= (async () => {
    try {
      const entry = import.meta.resolve("@ethereumjs/evm");
      const mod = (await import(new URL("./interpreter.js", entry).href)) as { Interpreter?: { prototype: InterpreterProto } };
      const proto = mod.Interpreter?.prototype;
      if (proto === undefined || typeof proto._getValidJumpDestinations !== "function" || proto.__imiCached) return;
      const original = proto._getValidJumpDestinations;
      const perEvm = new WeakMap<object, WeakMap<Uint8Array, Analysis>>();
      proto._getValidJumpDestinations = function (code: Uint8Array): Analysis {
        let cache = perEvm.get(this._evm);
        if (cache === undefined) {
          cache = new WeakMap();
          perEvm.set(this._evm, cache);
        }
        let analysis = cache.get(code);
        if (analysis === undefined) {
          analysis = original.call(this, code);
          cache.set(code, analysis);
        }
        return analysis;
      };
      proto.__imiCached = true;
    } catch {
      // Layout changed: run without the cache.
    }
  })();
  return installed;
}
