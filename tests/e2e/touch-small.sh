#!/usr/bin/env bash
# 40x12, the smallest screen: every quiz choice is shown by scrolling with ▼,
# by touch, and nothing is drawn past the screen.
exec python3 "$(dirname "$0")/touch.py" small
