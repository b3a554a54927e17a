"""How many kbuild steps a build will take, from the builds before it: percent and ETA.

The last build in the same folder says what an incremental build costs; a
folder's first build takes the most steps any build of that config took
(a full build, whatever the tree). Unknown means no percentage, as before.
"""

import json
from pathlib import Path

from . import paths, wholefile

_FILE = "build-steps.json"


def _path():
    return paths.cache_dir() / _FILE


def _load():
    try:
        return json.loads(_path().read_text())
    except (OSError, ValueError):
        return {}


def expected(build_dir, config_hash, fresh):
    data = _load()
    if not fresh:
        return data.get("folders", {}).get(str(build_dir))
    return data.get("configs", {}).get(config_hash)


def record(build_dir, config_hash, steps, fresh):
    """Kept small: one number per folder and per config, written atomically."""
    data = _load()
    folders = {k: v for k, v in data.get("folders", {}).items() if Path(k).is_dir()}  # gone trees leave
    folders[str(build_dir)] = steps
    data["folders"] = folders
    if fresh and config_hash:
        configs = data.setdefault("configs", {})
        configs[config_hash] = max(steps, configs.get(config_hash, 0))
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    wholefile.write_text(path, json.dumps(data, indent=1, sort_keys=True))


def eta_text(steps, total, elapsed):
    """'  42%  ETA 1m05s' once the rate is known; '' when the end is unknown."""
    if not total or steps <= 0:
        return ""
    done = min(steps / total, 0.99)
    left = max(total - steps, 0) * elapsed / steps
    return f"  {done * 100:3.0f}%  ETA {_clock(left)}"


def _clock(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
