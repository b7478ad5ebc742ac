// Entry point: read the boot data, set the language, start the playground (and the lesson, if any), and paint the
// first picture that came with the page.
import { paintFirstPicture } from "./first_frame.js";
import { apply, currentLanguage, initLanguage, setServerMessages } from "./i18n.js";
import { Playground } from "./playground.js";
const boot = JSON.parse(document.getElementById("boot").textContent);
initLanguage();
setServerMessages(boot.messages);  // the server's error sentences (app/core/messages.py), for errorText
apply();
const playground = new Playground(boot);
playground.controls.setLanguageButton(currentLanguage());
window.nnplay = playground;  // for tests and the performance measurement
// Class code loads only on a class's page (/classes/{id}/play): the playground page stays small.
const started = boot.class
  ? import("./classmode.js").then(({ ClassMode }) => {
    playground.classMode = new ClassMode(boot.class, playground);
    return playground.start();
  })
  : playground.start();
// The default playground's first picture came with the page (boot.first): paint it while the session is created.
paintFirstPicture(playground, boot).catch((error) => console.warn("the first picture could not be painted:", error));
if (boot.lesson) {
  // Lesson code loads only on lesson pages: the playground page stays small.
  started.then(async () => (await import("./lesson.js")).startLesson(playground, boot.lesson));
}
