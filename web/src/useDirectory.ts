import { useEffect, useState } from "preact/hooks";
import { getDirectory, type Directory } from "./api/directory.js";

export function useDirectory(): Directory | undefined {
  const [directory, setDirectory] = useState<Directory>();
  useEffect(() => {
    getDirectory().then(setDirectory, () => setDirectory({ agencies: {}, purposes: {}, categories: [] }));
  }, []);
  return directory;
}
