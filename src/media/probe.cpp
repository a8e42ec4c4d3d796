#include "repere/media/probe.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

#include <algorithm>
#include <memory>
#include <mutex>

#include "repere/core/text.h"

namespace repere::media {
namespace {

std::string av_message(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

struct FormatCloser {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;

struct CodecFreer {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;

struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;

Result<FormatPtr> open_input(const std::filesystem::path& path) {
  // FFmpeg's own log lines would interleave with ours on stderr; its reason for a failure is
  // already in the Status we return.
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_FATAL); });
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::not_found("no such file: " + path.string());
  }
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (err < 0) {
    return Status::invalid_argument(path.string() + ": not a readable media file (" +
                                    av_message(err) + ")");
  }
  FormatPtr ctx(raw);
  err = avformat_find_stream_info(ctx.get(), nullptr);
  if (err < 0) {
    return Status::invalid_argument(path.string() + ": cannot read the streams (" +
                                    av_message(err) + ")");
  }
  return ctx;
}

bool is_text_subtitle_codec(AVCodecID id) {
  const AVCodecDescriptor* d = avcodec_descriptor_get(id);
  return d != nullptr && d->type == AVMEDIA_TYPE_SUBTITLE && (d->props & AV_CODEC_PROP_TEXT_SUB);
}

StreamInfo describe(const AVStream& s) {
  StreamInfo info;
  info.index = s.index;
  const AVCodecParameters& par = *s.codecpar;
  info.codec = avcodec_get_name(par.codec_id);
  switch (par.codec_type) {
    case AVMEDIA_TYPE_VIDEO: info.type = StreamType::kVideo; break;
    case AVMEDIA_TYPE_AUDIO: info.type = StreamType::kAudio; break;
    case AVMEDIA_TYPE_SUBTITLE: info.type = StreamType::kSubtitle; break;
    default: info.type = StreamType::kOther; break;
  }
  info.text_subtitles = info.type == StreamType::kSubtitle && is_text_subtitle_codec(par.codec_id);
  info.attached_picture = (s.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
  if (const AVDictionaryEntry* lang = av_dict_get(s.metadata, "language", nullptr, 0)) {
    info.language = normalise_language(lang->value);
  }
  return info;
}

// The text of an ASS "Dialogue" event as FFmpeg hands it:
// "ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text".
std::string ass_text(std::string_view event) {
  std::size_t pos = 0;
  for (int field = 0; field < 8 && pos != std::string_view::npos; ++field) {
    pos = event.find(',', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  const std::string_view raw = pos == std::string_view::npos ? event : event.substr(pos);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '{') {
      const std::size_t close = raw.find('}', i);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == 'N' || raw[i + 1] == 'n')) {
      out += '\n';
      ++i;
    } else if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'h') {
      out += ' ';
      ++i;
    } else {
      out += raw[i];
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

Result<CodecPtr> open_decoder(const AVStream& stream) {
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (codec == nullptr) {
    return Status::unsupported(std::string("no decoder for ") +
                               avcodec_get_name(stream.codecpar->codec_id));
  }
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return Status::internal("cannot allocate a decoder");
  if (avcodec_parameters_to_context(ctx.get(), stream.codecpar) < 0 ||
      avcodec_open2(ctx.get(), codec, nullptr) < 0) {
    return Status::invalid_argument("cannot open the subtitle decoder");
  }
  ctx->pkt_timebase = stream.time_base;
  return ctx;
}

std::int64_t to_ms(std::int64_t ts, AVRational tb) {
  return av_rescale_q(ts, tb, AVRational{1, 1000});
}

// Decodes one packet into cues (usually one).
void decode_packet(AVCodecContext& dec, const AVStream& stream, AVPacket& pkt,
                   std::vector<TextCue>& cues) {
  AVSubtitle sub{};
  int got = 0;
  if (avcodec_decode_subtitle2(&dec, &sub, &got, &pkt) < 0 || !got) return;
  const std::int64_t pts = pkt.pts != AV_NOPTS_VALUE ? pkt.pts : pkt.dts;
  const std::int64_t base = pts == AV_NOPTS_VALUE ? 0 : to_ms(pts, stream.time_base);
  std::int64_t start = base + sub.start_display_time;
  std::int64_t end = base + sub.end_display_time;
  if (sub.end_display_time == 0 || end <= start) {
    end = pkt.duration > 0 ? base + to_ms(pkt.duration, stream.time_base) : start;
  }
  std::string text;
  for (unsigned i = 0; i < sub.num_rects; ++i) {
    const AVSubtitleRect& rect = *sub.rects[i];
    std::string piece = rect.ass != nullptr    ? ass_text(rect.ass)
                        : rect.text != nullptr ? std::string(rect.text)
                                               : std::string();
    if (piece.empty()) continue;
    if (!text.empty()) text += '\n';
    text += piece;
  }
  avsubtitle_free(&sub);
  if (!text.empty()) cues.push_back({start, std::max(end, start), std::move(text)});
}

}  // namespace

bool MediaInfo::has_video() const {
  return std::any_of(streams.begin(), streams.end(), [](const StreamInfo& s) {
    return s.type == StreamType::kVideo && !s.attached_picture;
  });
}

bool MediaInfo::has_audio() const {
  return std::any_of(streams.begin(), streams.end(),
                     [](const StreamInfo& s) { return s.type == StreamType::kAudio; });
}

Result<MediaInfo> probe(const std::filesystem::path& path) {
  REPERE_ASSIGN_OR_RETURN(FormatPtr ctx, open_input(path));
  MediaInfo info;
  info.format = ctx->iformat != nullptr ? ctx->iformat->name : "";
  if (ctx->duration != AV_NOPTS_VALUE && ctx->duration > 0) {
    info.duration_ms = ctx->duration / (AV_TIME_BASE / 1000);
  }
  if (const AVDictionaryEntry* title = av_dict_get(ctx->metadata, "title", nullptr, 0)) {
    info.title = text::nfc(text::sanitize_utf8(title->value));
  }
  for (unsigned i = 0; i < ctx->nb_streams; ++i) info.streams.push_back(describe(*ctx->streams[i]));
  if (info.streams.empty()) {
    return Status::invalid_argument(path.string() + ": holds no audio, video or subtitle stream");
  }
  return info;
}

Result<std::vector<TextCue>> read_text_subtitles(const std::filesystem::path& path,
                                                 int stream_index) {
  REPERE_ASSIGN_OR_RETURN(FormatPtr ctx, open_input(path));
  if (stream_index < 0 || static_cast<unsigned>(stream_index) >= ctx->nb_streams) {
    return Status::invalid_argument(path.string() + ": no stream " + std::to_string(stream_index));
  }
  const AVStream& stream = *ctx->streams[stream_index];
  if (!is_text_subtitle_codec(stream.codecpar->codec_id)) {
    return Status::invalid_argument(path.string() + ": stream " + std::to_string(stream_index) +
                                    " is not text subtitles");
  }
  REPERE_ASSIGN_OR_RETURN(CodecPtr dec, open_decoder(stream));
  for (unsigned i = 0; i < ctx->nb_streams; ++i) {
    ctx->streams[i]->discard =
        static_cast<int>(i) == stream_index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
  }
  PacketPtr pkt(av_packet_alloc());
  std::vector<TextCue> cues;
  while (av_read_frame(ctx.get(), pkt.get()) >= 0) {
    if (pkt->stream_index == stream_index) decode_packet(*dec, stream, *pkt, cues);
    av_packet_unref(pkt.get());
  }
  std::stable_sort(cues.begin(), cues.end(),
                   [](const TextCue& a, const TextCue& b) { return a.start_ms < b.start_ms; });
  return cues;
}

std::string normalise_language(std::string_view tag) {
  std::string t;
  for (const char c : tag) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "fre" || t == "fra" || t == "fr") return "fr";
  if (t == "eng" || t == "en") return "en";
  if (t == "ger" || t == "deu") return "de";
  if (t == "spa") return "es";
  if (t == "ita") return "it";
  if (t == "und") return "";
  return t;
}

}  // namespace repere::media
