"""`pip install .` ships templates/, assets/ and the locales inside the package: proven from a
built wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_templates_and_assets_and_builds_a_pack(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "--quiet", "-w", str(wheels)], check=True)
    wheel = next(wheels.glob("report_builder-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "report_builder/templates/html/report.html" in names
    assert any(n.startswith("report_builder/assets/") for n in names)
    assert {"report_builder/locales/en.toml", "report_builder/locales/da.toml",
            "report_builder/locales/starter/en.toml",
            "report_builder/locales/starter/da.toml"} <= set(names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                    "--target", str(site), str(wheel)], check=True)
    company = tmp_path / "company"
    sys.path.insert(0, str(ROOT))
    try:
        from tests.small_company import write_company
        config = write_company(company)
    finally:
        sys.path.remove(str(ROOT))
    script = (
        "import sys, report_builder, report_builder.resources as r\n"
        "from report_builder.cli import main\n"
        "print(report_builder.__file__); print(r.templates_dir()); print(r.assets_dir())\n"
        f"sys.exit(main(['build', {str(config)!r}, '--format', 'html,json', '--out', 'out']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    # run outside the checkout so only the installed copy can be imported
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    package, templates, assets = done.stdout.splitlines()[:3]
    for path in (package, templates, assets):
        assert path.startswith(str(site)), path
    assert (tmp_path / "out" / "pipeline-meeting-2026-11-24.html").stat().st_size > 100_000
