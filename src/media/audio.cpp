#include "repere/media/audio.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <memory>
#include <vector>

namespace repere::media {
namespace {

struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct SwrFreer {
  void operator()(SwrContext* c) const { swr_free(&c); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

class Decoder {
 public:
  Status open(const std::filesystem::path& path) {
    path_ = path.string();
    av_log_set_level(AV_LOG_FATAL);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return Status::not_found("no such file: " + path_);
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0)
      return bad("not a readable media file");
    format_.reset(raw);
    if (avformat_find_stream_info(format_.get(), nullptr) < 0)
      return bad("cannot read its streams");
    const AVCodec* codec = nullptr;
    stream_ = av_find_best_stream(format_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream_ < 0 || codec == nullptr) return bad("has no audio stream");
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_ ||
        avcodec_parameters_to_context(codec_.get(), format_->streams[stream_]->codecpar) < 0 ||
        avcodec_open2(codec_.get(), codec, nullptr) < 0) {
      return bad("cannot open its audio decoder");
    }
    return open_resampler();
  }

  Status run(const SampleSink& sink) {
    std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    bool go_on = true;
    while (go_on && av_read_frame(format_.get(), packet.get()) >= 0) {
      if (packet->stream_index == stream_ && avcodec_send_packet(codec_.get(), packet.get()) >= 0) {
        go_on = drain(frame.get(), sink);
      }
      av_packet_unref(packet.get());
    }
    if (go_on && avcodec_send_packet(codec_.get(), nullptr) >= 0) go_on = drain(frame.get(), sink);
    if (go_on) flush_resampler(sink);
    return Status::ok();
  }

 private:
  Status bad(const std::string& why) const { return Status::invalid_argument(path_ + ": " + why); }

  Status open_resampler() {
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    AVChannelLayout in_layout;
    if (codec_->ch_layout.nb_channels > 0) {
      av_channel_layout_copy(&in_layout, &codec_->ch_layout);
    } else {
      av_channel_layout_default(&in_layout, 1);
    }
    SwrContext* raw = nullptr;
    const int err =
        swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_S16, kSpeechSampleRate, &in_layout,
                            codec_->sample_fmt, codec_->sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    swr_.reset(raw);
    if (err < 0 || swr_init(swr_.get()) < 0) return bad("cannot convert its audio to 16 kHz mono");
    return Status::ok();
  }

  bool drain(AVFrame* frame, const SampleSink& sink) {
    while (avcodec_receive_frame(codec_.get(), frame) >= 0) {
      const int max_out = swr_get_out_samples(swr_.get(), frame->nb_samples);
      buffer_.resize(static_cast<std::size_t>(std::max(max_out, 0)));
      std::uint8_t* out = reinterpret_cast<std::uint8_t*>(buffer_.data());
      const int n =
          swr_convert(swr_.get(), &out, max_out,
                      const_cast<const std::uint8_t**>(frame->extended_data), frame->nb_samples);
      av_frame_unref(frame);
      if (n > 0 &&
          !sink(std::span<const std::int16_t>(buffer_.data(), static_cast<std::size_t>(n)))) {
        return false;
      }
    }
    return true;
  }

  void flush_resampler(const SampleSink& sink) {
    buffer_.resize(4096);
    std::uint8_t* out = reinterpret_cast<std::uint8_t*>(buffer_.data());
    const int n = swr_convert(swr_.get(), &out, 4096, nullptr, 0);
    if (n > 0) sink(std::span<const std::int16_t>(buffer_.data(), static_cast<std::size_t>(n)));
  }

  std::string path_;
  std::unique_ptr<AVFormatContext, FormatCloser> format_;
  std::unique_ptr<AVCodecContext, CodecFreer> codec_;
  std::unique_ptr<SwrContext, SwrFreer> swr_;
  int stream_ = -1;
  std::vector<std::int16_t> buffer_;
};

}  // namespace

Status decode_speech_audio(const std::filesystem::path& path, const SampleSink& sink) {
  Decoder decoder;
  REPERE_RETURN_IF_ERROR(decoder.open(path));
  return decoder.run(sink);
}

}  // namespace repere::media
