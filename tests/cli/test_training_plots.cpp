// srgan-train's plots: the gnuplot script drawn from metrics.csv.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_support.h"
#include "training_plots.h"

namespace srgan::cli {
namespace {

// The loss plot marks where the GAN phase starts; without GAN rows there is no mark.
TEST(PlotScript, MarksTheStartOfTheGanPhase) {
  test::TempDir dir;
  const std::string csv = dir.file("metrics.csv");
  std::ofstream(csv) << "step,phase,lr\n1,pretrain,1\n2,pretrain,1\n3,validation,\n"
                        "4,gan,1\n5,gan,1\n";
  const std::string script = plot_script(csv, dir.path());
  EXPECT_NE(script.find("set arrow from 4, graph 0 to 4, graph 1"), std::string::npos) << script;
  EXPECT_NE(script.find("GAN phase from step 4"), std::string::npos) << script;
  std::ofstream(csv) << "step,phase,lr\n1,pretrain,1\n";
  EXPECT_EQ(plot_script(csv, dir.path()).find("set arrow"), std::string::npos);
}
}  // namespace
}  // namespace srgan::cli
