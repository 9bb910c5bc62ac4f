"""Does this browser show live figures? Notebook 00's environment check of the front end.

The kernel can have everything (matplotlib, ipympl, ipywidgets) and the figures still not
move: the browser side of ipympl (the "jupyter-matplotlib" extension) must be installed in
the environment that runs the Jupyter *server*, which on a hub or a shared machine is often
not the kernel's. Only the browser can tell: when ipympl's browser side creates a figure it
reports "initialized" to the kernel, and ipympl then clears the canvas's
``syncing_data_url`` (see ipympl's ``Canvas._handle_message``). Without a browser, or with
one that lacks the extension, nothing reports and the flag stays set.
"""

from __future__ import annotations

import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import display

WORKS = "✓ live figures work in this browser"
WAITING = ("… waiting for this browser to draw the live figure above. If this line does not "
           "turn into “" + WORKS + "” within a few seconds (after the notebook has finished "
           "running), this browser cannot show live figures: install ipympl in the environment "
           "that runs Jupyter (pip install ipympl, or conda install -c conda-forge ipympl), "
           "restart Jupyter and reload this page.")
NOT_LIVE = ("✗ figures are not live: run `%matplotlib widget` first (the notebooks' first cell "
            "does); if that fails, install ipympl in this kernel's environment and restart it.")


def _bundle(text):
    """A display bundle: plain text for static pages and nbval, a coloured line in a browser."""
    colour = "#1a7f37" if text.startswith("✓") else "#9a6700" if text.startswith("…") else "#cf222e"
    return {"text/plain": text, "text/html": f'<div style="color: {colour}">{text}</div>'}


def check_live_figures():
    """Show a small live figure and a line that turns into "✓ live figures work in this
    browser" once ipympl's browser side has taken the figure (it reports "initialized");
    until then the line says what to install.

    Returns
    -------
    None. Displays the figure and the line. In a notebook run without a browser (nbconvert,
    nbval) the line keeps its waiting text.
    """
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(3.0, 1.2))
    ax.plot([0, 1, 2, 3, 4], [0, 1, 0.4, 0.9, 0.2], lw=2)
    ax.set_axis_off()
    canvas = fig.canvas
    if not hasattr(canvas, "syncing_data_url"):  # not ipympl's canvas: the backend is static
        plt.close(fig)
        display(_bundle(NOT_LIVE), raw=True)
        return
    canvas.header_visible = canvas.footer_visible = canvas.toolbar_visible = False
    canvas.resizable = False
    # The figure as ipywidgets displays a widget, with a short, stable text for static pages
    # and nbval (a bare canvas would also store a PNG and an HTML copy of it).
    figure = w.Box([canvas])._repr_mimebundle_()
    figure["text/plain"] = "(a small live figure, drawn by the browser)"
    display(figure, raw=True)
    line = display(_bundle(WAITING), raw=True, display_id=True)

    def reported(_canvas, content, _buffers):
        # ipympl's own handler (registered first) has just seen the message.
        if content.get("type") == "initialized" and not canvas.syncing_data_url:
            line.update(_bundle(WORKS), raw=True)

    canvas.on_msg(reported)
    if not canvas.syncing_data_url:  # the browser reported before we listened
        line.update(_bundle(WORKS), raw=True)
