"""The chapter as lessons: each lesson is data (text in zh/en, a starting config, a task and its check)."""
