// Words of the surface part of the pages, in English and Chinese (merged into i18n.js's table).

export default {
  en: {
  },
  zh: {
  },
};
