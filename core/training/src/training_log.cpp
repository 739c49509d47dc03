#include "training_log.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "srgan/error.h"

namespace srgan::detail {
namespace {

constexpr char kHeader[] =
    "step,phase,lr,d_real,d_fake,g_adv,vgg,mse,total,seconds,steps_per_second,psnr_y,ssim_y,"
    "bicubic_psnr_y,bicubic_ssim_y,temporal_error,bicubic_temporal_error";

std::string cell(double value) {
  if (std::isnan(value)) return "";
  std::ostringstream out;
  out.precision(8);
  out << value;
  return out.str();
}

}  // namespace

MetricsLog::MetricsLog(const std::string& path, bool resume, int64_t resume_step) : path_(path) {
  std::vector<std::string> kept;
  if (resume) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      if (!line.empty() && std::stoll(line.substr(0, line.find(','))) <= resume_step)
        kept.push_back(line);
    }
  }
  out_.open(path, std::ios::trunc);
  if (!out_) throw Error("cannot write " + path);
  out_ << kHeader << "\n";
  for (const auto& line : kept) out_ << line << "\n";
  out_.flush();
}

void MetricsLog::write(const MetricsRow& r) {
  out_ << r.step << "," << r.phase;
  for (double v : {r.lr, r.d_real, r.d_fake, r.g_adv, r.vgg, r.mse, r.total, r.seconds,
                   r.steps_per_second, r.psnr_y, r.ssim_y, r.bicubic_psnr_y, r.bicubic_ssim_y,
                   r.temporal_error, r.bicubic_temporal_error}) {
    out_ << "," << cell(v);
  }
  out_ << "\n";
  out_.flush();
}

}  // namespace srgan::detail
