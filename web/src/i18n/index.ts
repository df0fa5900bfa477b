// i18next with the two catalogues bundled (they are small), zh-CN by default, the person's choice
// remembered in localStorage. Dates, times and numbers go through Intl in the active language.
import i18next from "i18next";
import { useEffect, useState } from "preact/hooks";
import { en } from "./en.js";
import { zhCN } from "./zh-CN.js";

export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = "imi.language";

function remembered(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "zh-CN") return saved;
  } catch {
    // Storage blocked (private mode): the default serves.
  }
  return "zh-CN";
}

export const i18n = i18next.createInstance();

export async function initI18n(): Promise<void> {
  await i18n.init({
    lng: remembered(),
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    resources: { "zh-CN": { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false }, // Preact escapes text itself.
    returnNull: false,
  });
  document.documentElement.lang = i18n.language;
}

export async function setLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, still switched.
  }
  await i18n.changeLanguage(lang);
  document.documentElement.lang = lang;
}

export const currentLanguage = (): Language => (i18n.language === "en" ? "en" : "zh-CN");

/** The translate function; the component re-renders when the language changes. */
export function useT(): { t: typeof i18n.t; lang: Language } {
  const [lang, setLang] = useState(currentLanguage());
  useEffect(() => {
    const on = () => setLang(currentLanguage());
    i18n.on("languageChanged", on);
    return () => i18n.off("languageChanged", on);
  }, []);
  return { t: i18n.t.bind(i18n), lang };
}

/** A gateway, SDK or device error code in the person's language (falls back to a generic line with the code). */
export function errorText(code: string): string {
  const key = `errors.${code}`;
  return i18n.exists(key) ? i18n.t(key) : i18n.t("errors.unknown", { code });
}

export function formatDateTime(ms: number, lang: Language = currentLanguage()): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}

export function formatDate(ms: number, lang: Language = currentLanguage()): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(new Date(ms));
}

export function formatNumber(n: number, lang: Language = currentLanguage()): string {
  return new Intl.NumberFormat(lang).format(n);
}
