// A button that puts a network of the chapter into the playground: its config, then its weights.
import { t } from "./i18n.js";

export class LoadView {
  constructor(container, playground, figure) {
    container.innerHTML = `<button class="ld-load"></button>`;
    const button = container.querySelector(".ld-load");
    button.textContent = t(figure.label);
    button.addEventListener("click", async () => {
      if (!(await playground.change(figure.changes)) || !figure.weights) return;
      try {
        await playground.session.call("PUT", "/weights", figure.weights);
      } catch (error) {
        playground.fail(error);
      }
    });
  }
}
