"""The correspondence register (kargüzarlıq): incoming and outgoing letters and the head's resolutions."""
