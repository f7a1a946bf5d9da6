"""Docks of the learning labs on the f(x) workspace: numerical vs analytical derivatives
(:mod:`.numdiff_panel`) and vanishing / exploding gradients (:mod:`.depth_panel`)."""
