// Larger-text mode: one class on <html> scales every rem-based size; remembered on this device.
import { useState } from "preact/hooks";

const KEY = "imi.largeText";

export function applyTextSize(): void {
  let large = false;
  try {
    large = localStorage.getItem(KEY) === "1";
  } catch {
    // Storage blocked: normal size.
  }
  document.documentElement.classList.toggle("large-text", large);
}

export function useLargeText(): [boolean, () => void] {
  const [large, setLarge] = useState(document.documentElement.classList.contains("large-text"));
  const toggle = () => {
    const next = !large;
    document.documentElement.classList.toggle("large-text", next);
    try {
      localStorage.setItem(KEY, next ? "1" : "0");
    } catch {
      // Not remembered, still applied.
    }
    setLarge(next);
  };
  return [large, toggle];
}
