#include "repere/media/engine.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <array>
#include <string_view>

namespace repere::media {
namespace {

std::string version_string(unsigned v) {
  return std::to_string(AV_VERSION_MAJOR(v)) + "." + std::to_string(AV_VERSION_MINOR(v)) + "." +
         std::to_string(AV_VERSION_MICRO(v));
}

constexpr std::array<std::string_view, 10> kDecoders = {
    "h264", "aac", "mp3", "opus", "vorbis", "vp9", "mov_text", "subrip", "webvtt", "ass"};
constexpr std::array<std::string_view, 6> kDemuxers = {"mov", "matroska", "wav",
                                                       "ogg", "mp3",      "webvtt"};

}  // namespace

std::vector<LibraryVersion> ffmpeg_versions() {
  return {{"libavformat", version_string(avformat_version())},
          {"libavcodec", version_string(avcodec_version())},
          {"libavutil", version_string(avutil_version())},
          {"libswresample", version_string(swresample_version())},
          {"libswscale", version_string(swscale_version())}};
}

std::vector<std::string> missing_ffmpeg_features() {
  std::vector<std::string> missing;
  for (std::string_view name : kDecoders) {
    const std::string n(name);
    if (avcodec_find_decoder_by_name(n.c_str()) == nullptr) missing.push_back("decoder " + n);
  }
  for (std::string_view name : kDemuxers) {
    const std::string n(name);
    if (av_find_input_format(n.c_str()) == nullptr) missing.push_back("demuxer " + n);
  }
  return missing;
}

}  // namespace repere::media
