"""Configuration: TOML file, command-line overrides, and one-line errors for bad keys."""

from __future__ import annotations

import pytest

from modelcard.errors import UserError
from training.config import TrainConfig, load_config
from train_fixtures import run_cli


def test_toml_then_overrides(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('optimizer = "sgd"\nbatch_size = 16\nepochs = 4\n[eval_sets]\nshift = "/x"\n'
                    '[sweep]\nlearning_rate = [0.1, 0.01]\n')
    config = load_config(path, {"batch_size": "64", "epochs": None, "eval_sets": {"more": "/y"}})
    assert (config.optimizer, config.batch_size, config.epochs) == ("sgd", 64, 4)
    assert config.eval_sets == {"shift": "/x", "more": "/y"}
    assert config.sweep == {"learning_rate": [0.1, 0.01]}
    assert config.resolved().learning_rate == 1e-2  # sgd's default, recorded as effective


def test_robustness_suite_from_toml_and_flag(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('robustness = "full"\n')
    assert TrainConfig().robustness == "quick"
    assert load_config(path, {}).robustness == "full"
    assert load_config(path, {"robustness": "none"}).robustness == "none"


def test_defaults_and_finetune_learning_rate():
    assert load_config(None, {}) == TrainConfig()
    assert TrainConfig(mode="finetune", batch_size=64).effective_learning_rate() == pytest.approx(2e-5)


@pytest.mark.parametrize("text, message", [
    ("optimiser = 'adam'\n", "unknown config key 'optimiser'"),
    ("epochs = 'ten'\n", "must be a int"),
    ("optimizer = 'lbfgs'\n", "--optimizer 'lbfgs' is unknown"),
    ("[sweep]\nalpha = [0.5]\n", "cannot sweep 'alpha'"),
    ("[sweep]\nbackbone = ['a']\n", "--backbone 'a' is unknown"),
    ("epochs = [\n", "not valid TOML"),
    ("label_issues = 'maybe'\n", "--label-issues 'maybe' is unknown; choose cleanlab or none"),
    ("robustness = 'heavy'\n", "--robustness 'heavy' is unknown; choose one of quick, full, none"),
])
def test_bad_config_is_one_user_error(tmp_path, text, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_config(path, {})


def test_cli_unknown_key_exits_2_with_one_line_before_anything_is_written(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text("learning_rat = 0.1\n")
    code, out, err = run_cli(["train", "--config", str(path), "--runs-dir", str(tmp_path / "runs")], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "learning_rat" in err
    assert not (tmp_path / "runs").exists()
