#!/usr/bin/python3
"""decoded_times.py FILE: what a player gets from FILE, read with pad probes on the decoded
buffers (gst-launch's -v notifications can drop one when two come close together).

Prints "FRAMES VIDEO_START VIDEO_END AUDIO_START AUDIO_END": the number of decoded video frames
and each stream's first timestamp and last timestamp + duration, in seconds (0 for a stream the
file lacks). Debian's python3-gi and gir1.2-gstreamer-1.0 (hence /usr/bin/python3)."""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def main(path):
    Gst.init(None)
    pipeline = Gst.Pipeline()
    decoder = Gst.ElementFactory.make("uridecodebin")
    decoder.set_property("uri", Gst.filename_to_uri(path))
    pipeline.add(decoder)
    seen = {"video": [0, None, 0.0], "audio": [0, None, 0.0]}  # count, start, end

    def on_buffer(pad, info, kind):
        buffer = info.get_buffer()
        if buffer.pts != Gst.CLOCK_TIME_NONE:
            entry = seen[kind]
            start = buffer.pts / Gst.SECOND
            duration = buffer.duration / Gst.SECOND if buffer.duration != Gst.CLOCK_TIME_NONE else 0
            entry[0] += 1
            entry[1] = start if entry[1] is None else min(entry[1], start)
            entry[2] = max(entry[2], start + duration)
        return Gst.PadProbeReturn.OK

    def on_pad(_, pad):
        caps = pad.get_current_caps() or pad.query_caps(None)
        name = caps.get_structure(0).get_name()
        kind = "video" if name.startswith("video/") else "audio" if name.startswith("audio/") else None
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
        if kind:
            pad.add_probe(Gst.PadProbeType.BUFFER, on_buffer, kind)

    decoder.connect("pad-added", on_pad)
    pipeline.set_state(Gst.State.PLAYING)
    message = pipeline.get_bus().timed_pop_filtered(
        120 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if message is None or message.type == Gst.MessageType.ERROR:
        why = message.parse_error()[0].message if message else "no end within 120 s"
        sys.exit(f"cannot decode {path}: {why}")
    v, a = seen["video"], seen["audio"]
    print(f"{v[0]} {v[1] or 0:.4f} {v[2]:.4f} {a[1] or 0:.4f} {a[2]:.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: decoded_times.py FILE")
    main(sys.argv[1])
