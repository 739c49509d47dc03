// The element's caps arithmetic (gst-plugin/size_caps.cpp), without a GPU: sizes scale by the
// model's factor, both memories are offered when CUDA memory is usable, and CUDA memory is
// preferred wherever a neighbour offers both.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <string>

#include "size_caps.h"

namespace {

using srgan::gst::cuda_memory_first;
using srgan::gst::has_cuda_memory_feature;
using srgan::gst::scale_caps;

class SizeCaps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gst_init(nullptr, nullptr); }

  static GstCaps* caps(const char* text) { return gst_caps_from_string(text); }
  static std::string str(GstCaps* caps) {
    gchar* text = gst_caps_to_string(caps);
    std::string result(text);
    g_free(text);
    gst_caps_unref(caps);
    return result;
  }
};

// What cudaupload in GStreamer 1.22 offers downstream for I420 input: system memory first.
constexpr char kCudaUploadSrcCaps[] =
    "video/x-raw, format=(string)I420, width=(int)960, height=(int)540; "
    "video/x-raw(memory:CUDAMemory), format=(string)I420, width=(int)960, height=(int)540";

TEST_F(SizeCaps, CudaMemoryGoesFirstAndEachGroupKeepsItsOrder) {
  EXPECT_EQ(str(cuda_memory_first(
                caps("video/x-raw, format=(string)I420; video/x-raw(memory:CUDAMemory), "
                     "format=(string)I420; video/x-raw, format=(string)NV12; "
                     "video/x-raw(memory:CUDAMemory), format=(string)NV12"))),
            "video/x-raw(memory:CUDAMemory), format=(string)I420; "
            "video/x-raw(memory:CUDAMemory), format=(string)NV12; "
            "video/x-raw, format=(string)I420; video/x-raw, format=(string)NV12");
  EXPECT_EQ(str(cuda_memory_first(gst_caps_new_any())), "ANY");
  EXPECT_EQ(str(cuda_memory_first(gst_caps_new_empty())), "EMPTY");
}

// The cause of the fall-back to system memory seen on an H200: the sink pad answered cudaupload
// in cudaupload's own order, so the first common structure was system memory. Here the answer
// is built as GstBaseTransform builds it (downstream's caps transformed, intersected with the
// asker's filter, filter first), with cudadownload downstream (system memory first too).
TEST_F(SizeCaps, CudaUploadsSystemMemoryFirstOrderStillNegotiatesCudaMemory) {
  GstCaps* offered = caps(kCudaUploadSrcCaps);
  GstCaps* downstream = caps(
      "video/x-raw, width=(int)[ 1, 2147483647 ], height=(int)[ 1, 2147483647 ]; "
      "video/x-raw(memory:CUDAMemory), width=(int)[ 1, 2147483647 ], "
      "height=(int)[ 1, 2147483647 ]");
  GstCaps* transformed = scale_caps(downstream, 4, /*up=*/false, /*cuda_memory=*/true);
  GstCaps* plain = gst_caps_intersect_full(offered, transformed, GST_CAPS_INTERSECT_FIRST);
  ASSERT_EQ(gst_caps_get_size(plain), 2u);
  EXPECT_FALSE(has_cuda_memory_feature(plain, 0)) << "the order that negotiated system memory";
  GstCaps* answer = cuda_memory_first(plain);
  // cudaupload then takes the first of the answer that it can output (GstBaseTransform).
  GstCaps* chosen =
      gst_caps_fixate(gst_caps_intersect_full(answer, offered, GST_CAPS_INTERSECT_FIRST));
  EXPECT_TRUE(has_cuda_memory_feature(chosen)) << str(gst_caps_ref(chosen));
  for (GstCaps* c : {chosen, answer, transformed, downstream, offered}) gst_caps_unref(c);
}

TEST_F(SizeCaps, SystemMemoryInputMayLeaveInEitherMemoryCudaFirst) {
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, format=(string)NV12, width=(int)64, height=(int)48"),
                           4, true, true)),
            "video/x-raw(memory:CUDAMemory), format=(string)NV12, width=(int)256, "
            "height=(int)192; video/x-raw, format=(string)NV12, width=(int)256, height=(int)192");
}

TEST_F(SizeCaps, CudaMemoryInputMayLeaveInSystemMemory) {
  GstCaps* out = scale_caps(
      caps("video/x-raw(memory:CUDAMemory), format=(string)I420, width=(int)64, height=(int)48"), 2,
      true, true);
  ASSERT_EQ(gst_caps_get_size(out), 2u);
  EXPECT_TRUE(has_cuda_memory_feature(out, 0));
  EXPECT_FALSE(has_cuda_memory_feature(out, 1));
  gst_caps_unref(out);
}

TEST_F(SizeCaps, WithoutAUsableContextCudaMemoryIsDropped) {
  EXPECT_EQ(str(scale_caps(caps(kCudaUploadSrcCaps), 4, true, false)),
            "video/x-raw, format=(string)I420, width=(int)3840, height=(int)2160");
  EXPECT_EQ(
      str(scale_caps(caps("video/x-raw(memory:CUDAMemory), format=(string)I420"), 4, true, false)),
      "EMPTY");
}

// GStreamer 1.22's CUDA allocator reaches g_assert_not_reached on formats outside its switch
// (gstcudamemory.c): CUDA memory is offered only in the formats it lays out; system memory in
// all. The lists here are read off the allocator's source, not computed by the code under test.
TEST_F(SizeCaps, CudaMemoryOnlyInFormatsGstreamersCudaAllocatorLaysOut) {
  guint major = 0, minor = 0, micro = 0, nano = 0;
  gst_version(&major, &minor, &micro, &nano);
  const bool y444_10 = major == 1 && minor >= 24;  // added to the allocator in 1.24
  const std::string all =
      "RGB, BGR, RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, xRGB, xBGR, I420, YV12, NV12, NV21, Y444, "
      "Y42B, GRAY8, P010_10LE, P016_LE, I420_10LE, I422_10LE, Y444_10LE, Y444_16LE, GRAY16_LE, "
      "RGBA64_LE, ABGR64_LE";
  const std::string on_device =
      std::string(
          "RGB, BGR, RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, I420, YV12, NV12, NV21, Y444, Y42B, "
          "P010_10LE, P016_LE, I420_10LE, I422_10LE, ") +
      (y444_10 ? "Y444_10LE, " : "") + "Y444_16LE";
  EXPECT_EQ(
      str(scale_caps(caps(("video/x-raw, format=(string){ " + all + " }").c_str()), 2, true, true)),
      "video/x-raw(memory:CUDAMemory), format=(string){ " + on_device +
          " }; video/x-raw, format=(string){ " + all + " }");
  // A format the allocator cannot lay out is offered in system memory only.
  for (const char* format : {"GRAY8", "GRAY16_LE", "xRGB", "xBGR", "RGBA64_LE"}) {
    EXPECT_EQ(str(scale_caps(caps((std::string("video/x-raw, format=(string)") + format).c_str()),
                             2, true, true)),
              std::string("video/x-raw, format=(string)") + format);
  }
  EXPECT_EQ(str(scale_caps(caps("video/x-raw(memory:CUDAMemory), format=(string)GRAY8, "
                                "width=(int)8, height=(int)8"),
                           2, true, true)),
            "video/x-raw, format=(string)GRAY8, width=(int)16, height=(int)16");
}

TEST_F(SizeCaps, SizesScaleUpAndDownAndRefuseSizesWithoutAPreImage) {
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, width=(int)256, height=(int)192"), 4, false, false)),
            "video/x-raw, width=(int)64, height=(int)48");
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, width=(int)258, height=(int)192"), 4, false, false)),
            "EMPTY");
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, width=(int)[ 1, 100 ], height=(int){ 3, 8, 12 }"), 4,
                           false, false)),
            "video/x-raw, width=(int)[ 1, 25 ], height=(int){ 2, 3 }");
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, width=(int)[ 2, 10 ]"), 4, true, false)),
            "video/x-raw, width=(int)[ 8, 40, 4 ]");
  // Past G_MAXINT there is no output size.
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, width=(int)1073741824"), 4, true, false)), "EMPTY");
  // No model yet: any size.
  EXPECT_EQ(str(scale_caps(caps("video/x-raw, width=(int)64"), 0, true, false)),
            "video/x-raw, width=(int)[ 1, 2147483647 ]");
}

}  // namespace
