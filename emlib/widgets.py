"""The one way every notebook wires sliders to an algorithm and a figure.

    inputs (sliders) --recompute--> history --draw(t)--> views  <-- iteration slider / Play

An input slider changing runs the algorithm once and keeps its whole history;
the iteration slider (and the Play button linked to it) only draws frame t,
by updating the views' artists in place. A setting that makes bad input shows
a short message beside the figure instead of a traceback.
"""

from __future__ import annotations

import html
import re

import ipywidgets as w

from .mixture import CollapseError
from .plot import Blitter

SLIDER_LAYOUT = w.Layout(width="320px")
STYLE = {"description_width": "70px"}


def short(error) -> str:
    """The first sentence of an error message: what went wrong, without the advice.

    A sentence ends at a full stop followed by a capital letter, so numbers such
    as "7. 6.06" in a printed matrix do not cut it short.
    """
    text = str(error)
    match = re.search(r"\.\s+(?=[A-Z])", text)
    return text[: match.start() + 1] if match else text


def slider(description, value, min, max, step=None):
    """An int slider when value, min, max (and step) are ints, else a float slider.

    ``continuous_update=False``: the algorithm re-runs when the handle is let go.
    """
    numbers = (value, min, max) + (() if step is None else (step,))
    if all(isinstance(a, int) for a in numbers):
        cls, step = w.IntSlider, step or 1
    else:
        cls, step = w.FloatSlider, step or 0.1
    return cls(value=value, min=min, max=max, step=step, description=description,
               continuous_update=False, layout=SLIDER_LAYOUT, style=STYLE)


class Explorer:
    """Sliders for an algorithm's inputs, an iteration slider with a Play button, and views.

    Parameters
    ----------
    compute : callable(**inputs) -> history
        Runs the algorithm from the slider values; may raise ValueError.
    views : list
        Objects with ``set_history(history)`` and ``draw(t)`` (see emlib.plot).
    fig : matplotlib Figure
        The figure the views draw into (an ipympl canvas in JupyterLab).
    inputs : dict of name -> ipywidgets slider
        Passed to ``compute`` by name.
    interval : int
        Milliseconds between frames when playing.
    name : str
        Shown in the text form of the explorer (what a static page or nbval sees).
    """

    def __init__(self, compute, views, fig, inputs=None, interval=400, name="explorer",
                 animate=True):
        self.compute, self.views, self.fig = compute, views, fig
        self.inputs = dict(inputs or {})
        self.name, self.animate = name, animate
        self.iteration = w.IntSlider(value=0, min=0, max=0, description="iteration",
                                     layout=SLIDER_LAYOUT, style=STYLE)
        self.play = w.Play(value=0, min=0, max=0, step=1, interval=interval,
                           description="Play", show_repeat=False)
        w.link((self.play, "value"), (self.iteration, "value"))
        self.message = w.HTML(value="")
        self.history = None
        self.blitter = Blitter(fig, views)
        if hasattr(fig.canvas, "add_class"):  # a live canvas: let a browser test find its figure
            fig.canvas.add_class(f"emlib-canvas-{fig.canvas.model_id}")
        for control in self.inputs.values():
            control.observe(self._recompute, names="value")
        self.iteration.observe(self._draw, names="value")
        self._recompute()

    # -- the two things that can happen

    def _recompute(self, change=None):
        """An input changed: run the algorithm once, keep its history, draw a frame."""
        values = {name: c.value for name, c in self.inputs.items()}
        try:
            history = self.compute(**values)
            self.message.value = ""
        except CollapseError as e:  # still worth showing: the run up to the collapse
            history = e.history
            self.message.value = self._warning(e)
        except ValueError as e:
            self.message.value = self._warning(e)
            return
        self.history = None  # no frame of the old run over the new one, nor the reverse
        for view in self.views:
            view.set_history(history)
        T = getattr(history, "n_iter", 0)
        at_end = self.iteration.value >= self.iteration.max
        self.play.max = self.iteration.max = T
        if at_end or self.iteration.value > T:
            self.iteration.value = T
        self.history = history
        self._update_views()
        self.blitter.full()  # limits may have changed: redraw everything once

    def _update_views(self):
        t = min(self.iteration.value, self.n_iter)
        for view in self.views:
            view.draw(t)

    def _draw(self, change=None):
        """The iteration changed: draw frame t of the kept history, changed artists only."""
        if self.history is None:
            return
        self._update_views()
        self.blitter.frame()

    # -- helpers

    @staticmethod
    def _warning(error):
        return (f'<div style="color:#a00;font-size:14px">&#9888; {html.escape(short(error))}</div>'
                f'<details><summary>more</summary>{html.escape(str(error))}</details>')

    @property
    def n_iter(self):
        """Iterations of the current history (0 for a result that is not a run)."""
        return getattr(self.history, "n_iter", 0)

    def set(self, **values):
        """Set inputs (and/or ``iteration``) as a student would move the sliders."""
        for name, value in values.items():
            if name == "iteration":
                self.iteration.value = value
            else:
                self.inputs[name].value = value
        return self

    @property
    def widget(self):
        controls = w.HBox(list(self.inputs.values()),
                          layout=w.Layout(flex_flow="row wrap")) if self.inputs else w.HBox([])
        rows = [controls] + ([w.HBox([self.play, self.iteration])] if self.animate else [])
        return w.VBox(rows + [self.message, self.fig.canvas])

    def __repr__(self):
        inputs = ", ".join(f"{k}={c.value}" for k, c in self.inputs.items())
        if not self.animate:
            return f"<{self.name}: {inputs}>"
        return f"<{self.name}: {inputs}; iterations 0..{self.n_iter if self.history else '?'}>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # a short, stable text for static pages and nbval
        return bundle
