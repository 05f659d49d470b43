"""Where things live: the page's files, the user's data, the `.env` files and downloaded models.

Two layouts. In a checkout (pyproject.toml and static/ beside the package) data stays in the
checkout's `uploads/` and `results/`, as it always did. Installed (pip, pipx, uv tool), the page ships
inside the package as `scribedesk/static` and data goes to the platform's user data folder
(platformdirs: ~/.local/share/scribedesk, ~/Library/Application Support/scribedesk,
%LOCALAPPDATA%\\scribedesk), never into site-packages. UPLOAD_DIR / RESULTS_DIR override either.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "scribedesk"
PACKAGE_DIR = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None when it is installed."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "static" / "index.html").is_file():
        return root
    return None


def static_dir() -> Path:
    """The page's files: the checkout's top-level static/, or the copy the wheel ships."""
    root = checkout_root()
    if root is not None:
        return root / "static"
    return PACKAGE_DIR / "static"


def data_root() -> Path:
    """Parent of uploads/ and results/: the checkout, or the user data folder when installed."""
    root = checkout_root()
    return root if root is not None else user_data_path(APP, appauthor=False)


def default_upload_dir() -> Path:
    return data_root() / "uploads"


def default_results_dir() -> Path:
    return data_root() / "results"


def user_env_file() -> Path:
    """`.env` in the user config folder (read before, and overridden by, the current folder's)."""
    return user_config_path(APP, appauthor=False) / ".env"


def env_files() -> tuple[Path, ...]:
    """The `.env` files Settings reads, lowest priority first."""
    return (user_env_file(), Path(".env"))


def default_models_dir() -> Path:
    """Where named local models are downloaded: the user cache folder (shared by checkout and install)."""
    return user_cache_path(APP, appauthor=False) / "models"
