"""The life of a job: its row, its files, and the runner that moves it along."""
