"""The lessons, one module each: text in Chinese and English, the playground's starting config, the figures
and the tasks. app/web/lesson_catalog.py puts them in the chapter's order and validates them."""
