// Reads a QR code with the device's camera, or takes the text typed in instead. The camera is
// asked for only when the person taps "scan"; frames are decoded by npm `jsqr` (pure JavaScript:
// the strict CSP allows no WebAssembly), loaded on that first tap so no screen pays for it
// up front. Nothing leaves the page: frames are read from a canvas in memory.
import { useEffect, useRef, useState } from "preact/hooks";
import { useT } from "../i18n/index.js";

export type QrScannerProps = {
  /** Called once with the decoded (or typed) text, trimmed. */
  onResult: (text: string) => void;
  /** Label of the typed-in field (defaults to "Or type it instead"). */
  inputLabel?: string;
  /** Hint under the typed-in field. */
  inputHint?: string;
  /** The form control's id prefix, when a screen has two scanners. */
  id?: string;
};

type CameraState = "off" | "starting" | "on" | "denied" | "unavailable";

export function QrScanner({ onResult, inputLabel, inputHint, id = "qr-scan" }: QrScannerProps) {
  const { t } = useT();
  const [camera, setCamera] = useState<CameraState>("off");
  const [typed, setTyped] = useState("");
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const stopped = useRef(false);

  const stop = () => {
    stopped.current = true;
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = undefined;
  };
  useEffect(() => stop, []);

  const start = async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setCamera("unavailable");
      return;
    }
    setCamera("starting");
    stopped.current = false;
    try {
      const [media, decoder] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
        import("jsqr").then((m) => m.default),
      ]);
      stream.current = media;
      const element = video.current;
      if (!element || stopped.current) {
        stop();
        return;
      }
      element.srcObject = media;
      await element.play();
      setCamera("on");
      const canvas = document.createElement("canvas");
      const context = canvas.getContext("2d", { willReadFrequently: true });
      const tick = () => {
        if (stopped.current || !context) return;
        if (element.readyState >= element.HAVE_CURRENT_DATA && element.videoWidth > 0) {
          // Decode a frame at most 640 px wide: enough for a phone-screen code, light on old phones.
          const scale = Math.min(1, 640 / element.videoWidth);
          canvas.width = Math.round(element.videoWidth * scale);
          canvas.height = Math.round(element.videoHeight * scale);
          context.drawImage(element, 0, 0, canvas.width, canvas.height);
          const frame = context.getImageData(0, 0, canvas.width, canvas.height);
          const code = decoder(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
          if (code?.data) {
            stop();
            setCamera("off");
            onResult(code.data.trim());
            return;
          }
        }
        setTimeout(tick, 150);
      };
      tick();
    } catch (error) {
      stop();
      setCamera((error as { name?: string }).name === "NotAllowedError" ? "denied" : "unavailable");
    }
  };

  const inputId = `${id}-typed`;
  return (
    <div class="qr-scanner">
      <div class="qr-camera">
        {camera === "on" || camera === "starting" ? (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              stop();
              setCamera("off");
            }}
          >
            {t("qr.stopCamera")}
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => void start()}>
            {t("qr.scan")}
          </button>
        )}
        <video ref={video} class={camera === "on" ? "qr-video" : "qr-video hidden"} muted playsInline aria-label={t("qr.cameraLabel")} />
        <p role="status" class="hint">
          {camera === "starting" && t("qr.starting")}
          {camera === "on" && t("qr.pointCamera")}
          {camera === "denied" && t("qr.denied")}
          {camera === "unavailable" && t("qr.unavailable")}
        </p>
      </div>
      <form
        class="qr-typed"
        onSubmit={(event) => {
          event.preventDefault();
          const text = typed.trim();
          if (text) onResult(text);
        }}
      >
        <label for={inputId}>{inputLabel ?? t("qr.typeInstead")}</label>
        {inputHint && (
          <p class="hint" id={`${inputId}-hint`}>
            {inputHint}
          </p>
        )}
        <input
          id={inputId}
          type="text"
          autocomplete="off"
          spellcheck={false}
          aria-describedby={inputHint ? `${inputId}-hint` : undefined}
          value={typed}
          onInput={(event) => setTyped((event.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary">{t("qr.use")}</button>
      </form>
    </div>
  );
}
