/* media_av.c - video, audio and animated GIFs with Debian's ffmpeg, run
 * as a child process with CPU-time (RLIMIT_CPU), memory (RLIMIT_AS),
 * file-size and wall-clock limits, at a lower priority than requests. */
#include "core/media.h"
#include "util/log.h"
#include "util/util.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define VIDEO_MAX_FPS 120

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child(const struct config *cfg, char *const argv[], int out_fd)
{
	struct rlimit cpu = {(rlim_t)cfg->media_ffmpeg_cpu, (rlim_t)cfg->media_ffmpeg_cpu + 1};
	rlim_t as = (rlim_t)cfg->media_ffmpeg_mb << 20;
	struct rlimit mem = {as, as};
	rlim_t fsz = (rlim_t)cfg->media_video_max * 2;
	struct rlimit file = {fsz, fsz};
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || setrlimit(RLIMIT_CPU, &cpu) || setrlimit(RLIMIT_AS, &mem) ||
	    setrlimit(RLIMIT_FSIZE, &file) || setpriority(PRIO_PROCESS, 0, 10) ||
	    dup2(null, 0) < 0 || dup2(out_fd >= 0 ? out_fd : null, 1) < 0 || dup2(null, 2) < 0)
		_exit(126);
	execvp(argv[0], argv);
	_exit(127);
}

int media_run(const struct config *cfg, char *const argv[], const char *stdout_path)
{
	int out_fd = -1;
	if (stdout_path &&
	    (out_fd = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0)
		child(cfg, argv, out_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (pid < 0)
		return -1;
	int64_t until = mono_ms() + (int64_t)cfg->media_ffmpeg_seconds * 1000;
	int status = 0;
	pid_t w;
	bool stopping = false;
	struct rusage ru = {0};
	while ((w = wait4(pid, &status, WNOHANG, &ru)) == 0 && mono_ms() < until &&
	       !(stopping = media_worker_stopping()))
		usleep(10 * 1000);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (stopping)
			return -3;
		log_warn("media: %s stopped after %d s", argv[0], cfg->media_ffmpeg_seconds);
		return -2;
	}
	if (w < 0)
		return -1;
	if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
		return -2;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* ffmpeg catches SIGXCPU and exits with an error of its own: the CPU
	 * time it used says whether the limit ended it. The kernel signals on
	 * its exact count of CPU time, while rusage's user and system times
	 * are sampled and can sum to a little less: within a tenth of the
	 * limit counts as reaching it. */
	int64_t cpu_us = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
			 ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	if (cpu_us * 10 >= (int64_t)cfg->media_ffmpeg_cpu * 9000000) {
		log_warn("media: %s stopped after %d s of CPU time", argv[0], cfg->media_ffmpeg_cpu);
		return -2;
	}
	return -1;
}

/* What ffprobe says of the first video and audio streams. */
struct probe {
	int w, h;
	double fps, duration;
	bool video, audio;
	bool opus; /* the first audio stream is Opus or Vorbis */
	int64_t bitrate;
};

static double ratio(const char *s)
{
	int a = 0, b = 0;
	if (!s || sscanf(s, "%d/%d", &a, &b) != 2 || b == 0)
		return 0;
	return (double)a / b;
}

static void read_stream(json_t *s, struct probe *p)
{
	const char *type = json_string_value(json_object_get(s, "codec_type"));
	if (type && !strcmp(type, "video") && !p->video) {
		json_t *disp = json_object_get(json_object_get(s, "disposition"), "attached_pic");
		if (json_integer_value(disp))
			return; /* cover art of an audio file */
		p->video = true;
		p->w = (int)json_integer_value(json_object_get(s, "width"));
		p->h = (int)json_integer_value(json_object_get(s, "height"));
		p->fps = ratio(json_string_value(json_object_get(s, "avg_frame_rate")));
	} else if (type && !strcmp(type, "audio") && !p->audio) {
		const char *codec = json_string_value(json_object_get(s, "codec_name"));
		p->audio = true;
		p->opus = codec && (!strcmp(codec, "opus") || !strcmp(codec, "vorbis"));
	}
}

static int probe(const struct config *cfg, const char *in, const char *prefix, struct probe *p)
{
	char out[160];
	snprintf(out, sizeof out, "%s-probe.json", prefix);
	char *argv[] = {"ffprobe", "-v", "error", "-print_format", "json", "-show_format",
			"-show_streams", (char *)in, NULL};
	int rc = media_run(cfg, argv, out);
	json_t *j = rc ? NULL : json_load_file(out, 0, NULL);
	unlink(out);
	if (!j)
		return rc < -1 ? rc : -1;
	memset(p, 0, sizeof *p);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(j, "streams"), i, s)
		read_stream(s, p);
	json_t *fmt = json_object_get(j, "format");
	p->duration = atof(json_string_value(json_object_get(fmt, "duration")) ?: "0");
	p->bitrate = atoll(json_string_value(json_object_get(fmt, "bit_rate")) ?: "0");
	json_decref(j);
	return 0;
}

static int transcode_video(const struct config *cfg, const char *in, const char *out,
			   bool sound)
{
	char *argv[48];
	int n = 0;
	char *head[] = {"ffmpeg", "-nostdin", "-v", "error", "-y", "-i", (char *)in, "-map",
			"0:v:0", "-map_metadata", "-1", "-map_chapters", "-1", "-vf",
			"scale=w='min(1920,iw)':h='min(1920,ih)':force_original_aspect_ratio="
			"decrease:force_divisible_by=2,fps=fps='min(source_fps,60)'",
			"-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt",
			"yuv420p", "-threads", "2"};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		argv[n++] = head[i];
	if (sound) {
		char *a[] = {"-map", "0:a:0", "-c:a", "aac", "-b:a", "128k"};
		for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
			argv[n++] = a[i];
	} else {
		argv[n++] = "-an";
	}
	char *tail[] = {"-movflags", "+faststart", "-f", "mp4", (char *)out, NULL};
	for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
		argv[n++] = tail[i];
	return media_run(cfg, argv, NULL);
}

static int frame_of(const struct config *cfg, const char *video, const char *png)
{
	char *argv[] = {"ffmpeg", "-nostdin", "-v", "error", "-y", "-i", (char *)video,
			"-frames:v", "1", "-f", "image2", "-c:v", "png", (char *)png, NULL};
	return media_run(cfg, argv, NULL);
}

/* Opus (or Vorbis) in stays Opus, in Ogg; anything else becomes MP3. */
static int transcode_audio(const struct config *cfg, const char *in, const char *out,
			   bool opus)
{
	char *mp3[] = {"-c:a", "libmp3lame", "-q:a", "4", "-f", "mp3"};
	char *ogg[] = {"-c:a", "libopus", "-b:a", "96k", "-f", "ogg"};
	char **enc = opus ? ogg : mp3;
	char *argv[] = {"ffmpeg", "-nostdin", "-v", "error", "-y", "-i", (char *)in, "-vn",
			"-map", "0:a:0", "-map_metadata", "-1",
			enc[0], enc[1], enc[2], enc[3], enc[4], enc[5], (char *)out, NULL};
	return media_run(cfg, argv, NULL);
}

static int fail(struct media_out *out, int rc, const char *what)
{
	if (rc == -3)
		return -3;
	snprintf(out->error, sizeof out->error, "%s",
		 rc == -2 ? "processing took longer than this server allows" : what);
	return -1;
}

static int video(const struct config *cfg, const char *in, const char *prefix, bool gif,
		 const struct probe *p, struct media_out *out)
{
	char frame[160];
	snprintf(out->file, sizeof out->file, "%s.mp4", prefix);
	snprintf(frame, sizeof frame, "%s-frame.png", prefix);
	snprintf(out->preview, sizeof out->preview, "%s-small.webp", prefix);
	int rc = transcode_video(cfg, in, out->file, !gif && p->audio);
	if (rc)
		return fail(out, rc, "the video could not be decoded");
	struct probe q;
	int pw = 0, ph = 0;
	rc = probe(cfg, out->file, prefix, &q);
	if (!rc)
		rc = frame_of(cfg, out->file, frame);
	if (!rc)
		rc = media_image_preview(frame, "image/png", out->preview, out->blurhash, &pw, &ph);
	unlink(frame);
	if (rc || !q.video || q.h <= 0 || ph <= 0)
		return fail(out, rc, "the video's first frame could not be read");
	out->kind = gif ? "gifv" : "video";
	if (asprintf(&out->meta,
		     "{\"original\":{\"width\":%d,\"height\":%d,\"size\":\"%dx%d\",\"aspect\":%.6g,"
		     "\"frame_rate\":\"%.6g\",\"duration\":%.3f,\"bitrate\":%lld},"
		     "\"small\":{\"width\":%d,\"height\":%d,\"size\":\"%dx%d\",\"aspect\":%.6g},"
		     "\"length\":\"%.3f\",\"duration\":%.3f,\"fps\":%d,\"width\":%d,\"height\":%d}",
		     q.w, q.h, q.w, q.h, (double)q.w / q.h, q.fps, q.duration, (long long)q.bitrate,
		     pw, ph, pw, ph, (double)pw / ph, q.duration, q.duration, (int)(q.fps + 0.5),
		     q.w, q.h) < 0)
		out->meta = NULL;
	return out->meta ? 0 : -1;
}

static int audio(const struct config *cfg, const char *in, const char *prefix,
		 const struct probe *p, struct media_out *out)
{
	snprintf(out->file, sizeof out->file, "%s.%s", prefix, p->opus ? "opus" : "mp3");
	int rc = transcode_audio(cfg, in, out->file, p->opus);
	struct probe q;
	if (!rc)
		rc = probe(cfg, out->file, prefix, &q);
	if (rc || !q.audio)
		return fail(out, rc, "the audio could not be decoded");
	out->kind = "audio";
	if (asprintf(&out->meta,
		     "{\"original\":{\"duration\":%.3f,\"bitrate\":%lld},\"length\":\"%.3f\","
		     "\"duration\":%.3f}",
		     q.duration, (long long)q.bitrate, q.duration, q.duration) < 0)
		out->meta = NULL;
	return out->meta ? 0 : -1;
}

int media_av_process(const struct config *cfg, const char *in, const char *mime,
		     const char *prefix, struct media_out *out)
{
	bool gif = !strcmp(mime, "image/gif");
	struct probe p;
	int rc = probe(cfg, in, prefix, &p);
	if (rc)
		return fail(out, rc, "the file could not be read as video or audio");
	/* a WebM or Matroska file with sound only is audio */
	bool sound = str_has_prefix(mime, "audio/") ||
		     (!p.video && p.audio && (strstr(mime, "webm") || strstr(mime, "matroska")));
	if (!sound && !p.video)
		return fail(out, -1, "the file has no video");
	if (p.video && ((int64_t)p.w * p.h > cfg->media_max_pixels || p.w <= 0 || p.h <= 0 ||
			p.fps > VIDEO_MAX_FPS))
		return fail(out, -1, "the video's frames are too large or too many per second");
	if (sound)
		return audio(cfg, in, prefix, &p, out);
	return video(cfg, in, prefix, gif, &p, out);
}
