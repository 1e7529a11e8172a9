"""Moving in from WordPress: parse a WXR export, import it through newsroom.services, keep old URLs."""
