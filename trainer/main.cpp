// srgan-train: trains, evaluates and inspects srganupscale models.
#include <csignal>
#include <iostream>

#include "commands.h"
#include "srgan/error.h"
#include "srgan/threads.h"
#include "srgan_config.h"

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) or a full quota must fail a write with a clear error, not kill
  // the process: atomic writes then keep the previous file.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"srgan-train: train and inspect SRGAN super-resolution models for srganupscale"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("srgan-train ") + SRGAN_VERSION);
  srgan::cli::add_info_command(app);
  srgan::cli::add_upscale_command(app);
  std::string command_line = "srgan-train";
  for (int i = 1; i < argc; ++i) command_line += std::string(" ") + argv[i];
  srgan::cli::add_train_command(app, command_line);
  srgan::cli::add_evaluate_command(app);
  try {
    srgan::configure_intra_op_threads();
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const srgan::cli::ExitStatus& status) {
    return status.code;
  } catch (const srgan::Error& e) {
    std::cerr << "srgan-train: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    // LibTorch's own errors: show their first line, the rest is a C++ backtrace.
    const std::string message = e.what();
    std::cerr << "srgan-train: " << srgan::first_line(message) << "\n";
    return 1;
  }
  return 0;
}
