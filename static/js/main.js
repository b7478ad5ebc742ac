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
playground.start();
if (boot.lesson) startLesson(playground, boot.lesson);
