"""What is measured on a trained model: evaluation with its slices (`evaluation.py`, the pixel
slices of `pixel_slices.py`), the example grid with Grad-CAM (`examples.py`) and what the saved
model costs to run (`model_cost.py`). Robustness, the data card and the collectors have their
own packages. Nothing is imported here."""
