"""The persistent index of published documents and its stores."""
