"""The Keras models and their fit: backbones with their weights (`backbones.py`), the saved
model and its head (`full_model.py`), cached backbone features (`features.py`), the one fit
(`fit.py`), fine-tuning (`finetune.py`) and Grad-CAM (`gradcam.py`). Nothing is imported here."""
