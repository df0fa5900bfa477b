// Builds the `imi` bundle (cli/bin/bundle.js): `npm run build:cli`, also part of `npm run build`.
import { buildBundle } from "../cli/bin/bundle.js";

const { inputs, ms } = await buildBundle();
console.log(`imi bundle: ${inputs} files in ${ms} ms`);
