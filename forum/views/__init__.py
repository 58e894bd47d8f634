"""The forum's pages: questions and answers (``questions``), the board's
dashboards and assignments (``board``)."""
