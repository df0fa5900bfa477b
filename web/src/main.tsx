import { render } from "preact";
import { initI18n } from "./i18n/index.js";
import { applyTextSize } from "./textSize.js";
import { App } from "./app.js";
import "./styles.css";

applyTextSize();
await initI18n();
render(<App />, document.getElementById("app")!);
