#include "repere/media/frames.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}

#include <cmath>
#include <cstdlib>
#include <memory>

namespace repere::media {
namespace {

struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFreer {
  void operator()(SwsContext* c) const { sws_freeContext(c); }
};

constexpr int kThumbWidth = 192;
constexpr int kThumbHeight = 108;

// The share of thumbnail pixels that changed clearly (by more than 40 of 255). A new slide
// changes its text strokes, a small share of a mostly plain picture, so a mean difference
// would miss it; compression noise changes many pixels slightly, which this ignores.
double difference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() != b.size() || a.empty()) return 1.0;
  std::size_t changed = 0;
  for (std::size_t i = 0; i < a.size(); ++i) changed += std::abs(int{a[i]} - int{b[i]}) > 40;
  return static_cast<double>(changed) / static_cast<double>(a.size());
}

// A video file's best video stream with its decoder open.
class VideoInput {
 public:
  Status open(const std::filesystem::path& path) {
    av_log_set_level(AV_LOG_FATAL);
    const std::string name = path.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return Status::not_found("no such file: " + name);
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
      return Status::invalid_argument(name + ": not a readable media file");
    }
    format_.reset(raw);
    if (avformat_find_stream_info(format_.get(), nullptr) < 0) {
      return Status::invalid_argument(name + ": cannot read its streams");
    }
    const AVCodec* codec = nullptr;
    stream_ = av_find_best_stream(format_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (stream_ < 0 || codec == nullptr ||
        (format_->streams[stream_]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
      return Status::invalid_argument(name + ": has no video stream");
    }
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_ ||
        avcodec_parameters_to_context(codec_.get(), format_->streams[stream_]->codecpar) < 0 ||
        avcodec_open2(codec_.get(), codec, nullptr) < 0) {
      return Status::invalid_argument(name + ": cannot open its video decoder");
    }
    return Status::ok();
  }

 protected:
  // A frame's time from the stream's start; `unknown` when it has none.
  std::int64_t frame_ms(const AVFrame& f, std::int64_t unknown) const {
    const std::int64_t ts =
        f.best_effort_timestamp != AV_NOPTS_VALUE ? f.best_effort_timestamp : f.pts;
    if (ts == AV_NOPTS_VALUE) return unknown;
    const AVStream* st = format_->streams[stream_];
    std::int64_t ms = av_rescale_q(ts, st->time_base, AVRational{1, 1000});
    if (st->start_time != AV_NOPTS_VALUE) {
      ms -= av_rescale_q(st->start_time, st->time_base, AVRational{1, 1000});
    }
    return std::max<std::int64_t>(ms, 0);
  }

  std::unique_ptr<AVFormatContext, FormatCloser> format_;
  std::unique_ptr<AVCodecContext, CodecFreer> codec_;
  int stream_ = -1;
};

class Sampler : public VideoInput {
 public:
  Sampler(const FrameSampling& s, const FrameSink& sink) : s_(s), sink_(sink) {}

  Status run() {
    std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    bool go_on = true;
    while (go_on && av_read_frame(format_.get(), packet.get()) >= 0) {
      if (packet->stream_index == stream_ && avcodec_send_packet(codec_.get(), packet.get()) >= 0) {
        go_on = drain(frame.get());
      }
      av_packet_unref(packet.get());
    }
    if (go_on && avcodec_send_packet(codec_.get(), nullptr) >= 0) drain(frame.get());
    return Status::ok();
  }

 private:
  bool drain(AVFrame* frame) {
    while (avcodec_receive_frame(codec_.get(), frame) >= 0) {
      const bool go_on = consider(*frame);
      av_frame_unref(frame);
      if (!go_on) return false;
    }
    return true;
  }

  std::int64_t time_ms(const AVFrame& f) const {
    return frame_ms(f, last_checked_ms_ + s_.check_every_ms);
  }

  // Decides whether this frame is kept; converts only frames that are checked.
  bool consider(const AVFrame& f) {
    const std::int64_t t = time_ms(f);
    if (checked_any_ && t - last_checked_ms_ < s_.check_every_ms) return true;
    checked_any_ = true;
    last_checked_ms_ = t;
    std::vector<std::uint8_t> thumb = scale(f, kThumbWidth, kThumbHeight);
    const double diff = difference(thumb, last_thumb_);
    // Scene changes are kept at most every min_change_gap_ms, so that a moving picture (a
    // lecturer walking) does not send every checked frame to OCR.
    const bool change =
        diff >= s_.scene_threshold && (!kept_any_ || t - last_kept_ms_ >= s_.min_change_gap_ms);
    if (!change && kept_any_ && t - last_kept_ms_ < s_.keep_every_ms) return true;
    GreyFrame out;
    out.time_ms = t;
    out.scene_change = change;
    out.width = std::min(f.width, s_.max_width);
    out.height = static_cast<int>(std::lround(static_cast<double>(f.height) * out.width / f.width));
    out.pixels = scale(f, out.width, out.height);
    last_thumb_ = std::move(thumb);
    kept_any_ = true;
    last_kept_ms_ = t;
    return sink_(out);
  }

  std::vector<std::uint8_t> scale(const AVFrame& f, int width, int height) {
    std::unique_ptr<SwsContext, SwsFreer> sws(
        sws_getContext(f.width, f.height, static_cast<AVPixelFormat>(f.format), width, height,
                       AV_PIX_FMT_GRAY8, SWS_AREA, nullptr, nullptr, nullptr));
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height);
    if (!sws) return pixels;
    std::uint8_t* dst[4] = {pixels.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {width, 0, 0, 0};
    sws_scale(sws.get(), f.data, f.linesize, 0, f.height, dst, dst_stride);
    return pixels;
  }

  const FrameSampling& s_;
  const FrameSink& sink_;
  bool checked_any_ = false;
  bool kept_any_ = false;
  std::int64_t last_checked_ms_ = 0;
  std::int64_t last_kept_ms_ = 0;
  std::vector<std::uint8_t> last_thumb_;
};

// One picture of a video at a time, in colour: seek, decode up to it, scale.
class Still : public VideoInput {
 public:
  Result<ColourFrame> take(const std::filesystem::path& path, std::int64_t at_ms, int width) {
    REPERE_RETURN_IF_ERROR(open(path));
    const AVStream* st = format_->streams[stream_];
    std::int64_t target = av_rescale_q(at_ms, AVRational{1, 1000}, st->time_base);
    if (st->start_time != AV_NOPTS_VALUE) target += st->start_time;
    if (av_seek_frame(format_.get(), stream_, target, AVSEEK_FLAG_BACKWARD) >= 0)
      avcodec_flush_buffers(codec_.get());
    std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    std::unique_ptr<AVFrame, FrameFreer> last(av_frame_alloc());
    bool have = false, done = false;
    auto drain = [&] {
      while (!done && avcodec_receive_frame(codec_.get(), frame.get()) >= 0) {
        av_frame_unref(last.get());
        av_frame_move_ref(last.get(), frame.get());
        have = true;
        if (time_ms(*last) >= at_ms) done = true;
      }
    };
    while (!done && av_read_frame(format_.get(), packet.get()) >= 0) {
      if (packet->stream_index == stream_ && avcodec_send_packet(codec_.get(), packet.get()) >= 0)
        drain();
      av_packet_unref(packet.get());
    }
    if (!done && avcodec_send_packet(codec_.get(), nullptr) >= 0) drain();
    if (!have)
      return Status::invalid_argument(path.string() + ": no picture at " + std::to_string(at_ms) +
                                      " ms");
    ColourFrame out;
    out.time_ms = time_ms(*last);
    out.width = std::min(width, last->width);
    out.height = std::max(1, static_cast<int>(std::lround(static_cast<double>(last->height) *
                                                          out.width / last->width)));
    out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
    std::unique_ptr<SwsContext, SwsFreer> sws(sws_getContext(
        last->width, last->height, static_cast<AVPixelFormat>(last->format), out.width, out.height,
        AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
    if (!sws) return Status::internal("cannot scale a picture of " + path.string());
    std::uint8_t* dst[4] = {out.rgb.data(), nullptr, nullptr, nullptr};
    int dst_stride[4] = {out.width * 3, 0, 0, 0};
    sws_scale(sws.get(), last->data, last->linesize, 0, last->height, dst, dst_stride);
    return out;
  }

 private:
  std::int64_t time_ms(const AVFrame& f) const { return frame_ms(f, 0); }
};

}  // namespace

Result<ColourFrame> frame_at(const std::filesystem::path& path, std::int64_t at_ms, int width) {
  return Still().take(path, std::max<std::int64_t>(at_ms, 0), std::max(width, 16));
}

Status sample_frames(const std::filesystem::path& path, const FrameSampling& sampling,
                     const FrameSink& sink) {
  Sampler sampler(sampling, sink);
  REPERE_RETURN_IF_ERROR(sampler.open(path));
  return sampler.run();
}

}  // namespace repere::media
