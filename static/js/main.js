// Entry point: read the boot data, set the language, start the playground.
import { apply, currentLanguage, initLanguage } from "./i18n.js";
import { startLesson } from "./lesson.js";
import { Playground } from "./playground.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
initLanguage();
apply();
const playground = new Playground(boot);
playground.controls.setLanguageButton(currentLanguage());
window.nnplay = playground;  // for tests and the performance measurement
const started = playground.start();
if (boot.lesson) started.then(() => startLesson(playground, boot.lesson));
