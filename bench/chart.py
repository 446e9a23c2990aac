"""The throughput chart: requests/s against dataset size, one panel per request type.

Run by report.py with the bench virtualenv's python (matplotlib is not an app dependency):
`bench/.venv/bin/python -m bench.chart RESULTS.json OUT.png`.
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt

REQUESTS = ("list", "filtered", "detail", "search", "facets")
STYLE = {
    "ours": ("tab:blue", "o", "ours (timeline-api serve)"),
    "bare": ("tab:green", "s", "bare Flask, same gunicorn"),
    "nginx": ("tab:gray", "^", "nginx static files"),
    "datasette": ("tab:orange", "D", "Datasette -i"),
}


def draw(results: dict, out: Path) -> None:
    """One log-log panel per request type; one line per server."""
    fig, grid = plt.subplots(2, 3, figsize=(16, 9), sharey=True)
    axes = list(grid.flat)
    sizes = sorted({run["size"] for run in results["runs"]})
    for axis, request in zip(axes, REQUESTS, strict=False):
        for server, (color, marker, label) in STYLE.items():
            for mode, line in (("fixed", "-"), ("varied", "--"), ("uncached", ":")):
                points = sorted(
                    (run["size"], run["requests_per_s"])
                    for run in results["runs"]
                    if run["server"] == server
                    and run["request"] == request
                    and run.get("mode", "fixed") == mode
                    and run["requests_per_s"] > 0  # no answer in time: no point on a log axis
                )
                if points:
                    xs, ys = zip(*points, strict=True)
                    name = {
                        "fixed": label,
                        "varied": f"{label}, varied URLs",
                        "uncached": f"{label}, varied URLs, no response cache",
                    }[mode]
                    axis.plot(xs, ys, line, color=color, marker=marker, label=name)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(sizes, [f"{size:,}" for size in sizes])
        axis.minorticks_off()
        axis.set_title(request)
        axis.set_xlabel("events in the dataset")
        axis.grid(True, which="major", alpha=0.3)
    for axis in (axes[0], axes[3]):
        axis.set_ylabel("requests/s (log)")
    handles, labels = axes[0].get_legend_handles_labels()
    axes[-1].axis("off")
    axes[-1].legend(handles, labels, loc="center", fontsize=11, title="server")
    machine = results["machine"]
    fig.suptitle(
        f"Throughput vs dataset size (wrk -t{results['settings']['threads']} "
        f"-c{results['settings']['connections']} -d{results['settings']['seconds']}s; "
        f"{machine['nproc']} cores, {machine['cpu_model']})"
    )
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    draw(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
